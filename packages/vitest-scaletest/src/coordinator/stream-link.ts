// One shared object (a barrier or a latch) as a Redis stream: each shard appends what happened to
// its copy (XADD) and replays everyone else's entries from the start (XREAD BLOCK on a connection
// of its own), so a shard that joins late still sees every earlier arrival.

import type { Redis } from 'ioredis'

export type StreamFields = Record<string, string>

export interface StreamLinkOptions {
  writer: Redis
  key: string
  /** This shard's index: its own entries are skipped on replay (it applied them already). */
  shard: number
  /** Keys live this long after the last write, so an abandoned run does not stay in Redis. */
  ttlSeconds: number
  onEntry: (shard: number, fields: StreamFields) => void
  onError: (error: Error) => void
}

export class StreamLink {
  readonly #options: StreamLinkOptions
  readonly #reader: Redis
  #writes: Promise<unknown> = Promise.resolve()
  #closed = false
  #reading: Promise<void>

  constructor(options: StreamLinkOptions) {
    this.#options = options
    this.#reader = options.writer.duplicate()
    this.#reader.on('error', () => {}) // surfaced through the failing XREAD
    this.#reading = this.#read()
  }

  /** Appends an entry; writes keep their order. */
  send(fields: StreamFields): void {
    const { writer, key, shard, ttlSeconds } = this.#options
    const args = Object.entries({ shard: String(shard), ...fields }).flat()
    this.#writes = this.#writes.then(() =>
      writer
        .multi()
        .call('XADD', key, '*', ...args)
        .expire(key, ttlSeconds)
        .exec()
        .catch((error: Error) => this.#options.onError(error)),
    )
  }

  /** Waits for the writes sent so far, then stops replaying. */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.#writes
    this.#closed = true
    this.#reader.disconnect()
    await this.#reading
  }

  async #read(): Promise<void> {
    let lastId = '0'
    while (!this.#closed) {
      let reply: unknown
      try {
        reply = await this.#reader.call('XREAD', 'BLOCK', '0', 'STREAMS', this.#options.key, lastId)
      } catch (error) {
        if (!this.#closed) this.#options.onError(error as Error)
        return
      }
      for (const [, entries] of (reply ?? []) as [string, [string, string[]][]][]) {
        for (const [id, flat] of entries) {
          lastId = id
          const fields: StreamFields = {}
          for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string
          const from = Number(fields.shard)
          if (from !== this.#options.shard) this.#options.onEntry(from, fields)
        }
      }
    }
  }
}
