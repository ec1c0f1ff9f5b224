import type { Endpoint } from './metrics.ts'

export interface JournalEntry {
  seq: number
  /** ISO timestamp of when the request arrived. */
  time: string
  method: string
  path: string
  endpoint: Endpoint
  status: number
  stream: boolean
  fault: string | null
  headers: Record<string, string | string[] | undefined>
  /** The parsed JSON body, the raw text if it was not JSON, or null when absent or too large to keep. */
  body: unknown
}

/** Bodies above this many characters are not kept (the entry says how large they were). */
const MAX_KEPT_BODY = 256 * 1024

type Recorded = Omit<JournalEntry, 'time' | 'body'> & { at: number; body: string | undefined }

const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'proxy-authorization', 'cookie'])

/** Keeps the last `limit` requests; secrets in headers are redacted when read, not on the hot path. */
export class RequestJournal {
  readonly #limit: number
  // Entries keep the raw body text and a number for the time, and are parsed and formatted when
  // read: a kept parsed body is a tree of objects for the GC to trace for as long as it is kept.
  readonly #entries: Recorded[] = []
  #next = 0
  #seq = 0

  constructor(limit: number) {
    this.#limit = limit
  }

  record(entry: Omit<Recorded, 'seq' | 'at'>): void {
    if (this.#limit === 0) return
    const body =
      entry.body && entry.body.length > MAX_KEPT_BODY
        ? `[${entry.body.length} characters, not kept]`
        : entry.body
    const full = { ...entry, seq: ++this.#seq, at: Date.now(), body }
    if (this.#entries.length < this.#limit) this.#entries.push(full)
    else this.#entries[this.#next] = full
    this.#next = (this.#next + 1) % this.#limit
  }

  /** Recorded requests, oldest first, with secret headers redacted. */
  list(filter: { endpoint?: string; limit?: number } = {}): JournalEntry[] {
    const ordered =
      this.#entries.length < this.#limit
        ? this.#entries
        : [...this.#entries.slice(this.#next), ...this.#entries.slice(0, this.#next)]
    const matching = filter.endpoint ? ordered.filter((e) => e.endpoint === filter.endpoint) : ordered
    const limited = filter.limit !== undefined ? matching.slice(-filter.limit) : matching
    return limited.map(({ at, body, ...e }) => ({
      ...e,
      time: new Date(at).toISOString(),
      headers: redact(e.headers),
      body: parseBody(body),
    }))
  }

  /** Requests ever recorded, including those the bound dropped. */
  get total(): number {
    return this.#seq
  }

  clear(): void {
    this.#entries.length = 0
    this.#next = 0
  }
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function redact(headers: JournalEntry['headers']): JournalEntry['headers'] {
  const out: JournalEntry['headers'] = {}
  for (const [name, value] of Object.entries(headers))
    out[name] = SECRET_HEADERS.has(name) ? '[redacted]' : value
  return out
}
