import type { ParsedMessage } from './parse-message.ts'

/** One message as `GET /messages` returns it (field names as in Coder's scaletest/smtpmock). */
export interface MessageSummary {
  subject: string
  /** RFC 3339; Go's zero time when the message had no parsable Date, as Coder's mock reports. */
  date: string
  /** Template UUID; the nil UUID when the message has no unsubscribe link, as Coder's mock reports. */
  notification_template_id: string
  message_id: string
  /** When the mock accepted the message (RFC 3339, milliseconds). Not in Coder's mock: `date` has
   * whole seconds from the sender's clock, this one measures delivery to the mock precisely. */
  received_at: string
}

export const ZERO_TIME = '0001-01-01T00:00:00Z'
export const NIL_UUID = '00000000-0000-0000-0000-000000000000'

interface Inbox {
  /** Each message's summary, serialised once on arrival so a lookup only joins strings. */
  messages: string[]
  /** The last lookup's response body, reused until the inbox changes. */
  body: Buffer | undefined
}

export interface MailboxOptions {
  /** Stored-message count at which the next arrival first purges everything; 0 disables. */
  purgeAtCount?: number
  /** Called after an automatic purge with the number of messages dropped. */
  onAutoPurge?: (dropped: number) => void
}

const EMPTY = Buffer.from('[]')

/**
 * Captured messages in arrival order, indexed by lower-cased recipient so a lookup costs the
 * size of one inbox, not of the whole store. Memory is bounded by `purgeAtCount`.
 */
export class Mailbox {
  readonly purgeAtCount: number
  #onAutoPurge: ((dropped: number) => void) | undefined
  #all: string[] = []
  #allBody: Buffer | undefined
  #inboxes = new Map<string, Inbox>()
  #purges = { manual: 0, auto: 0 }

  constructor(options: MailboxOptions = {}) {
    const purgeAtCount = options.purgeAtCount ?? 100_000
    if (!Number.isInteger(purgeAtCount) || purgeAtCount < 0)
      throw new RangeError(
        `purgeAtCount must be an integer >= 0 (0 disables auto-purge), got ${purgeAtCount}`,
      )
    this.purgeAtCount = purgeAtCount
    this.#onAutoPurge = options.onAutoPurge
  }

  get size(): number {
    return this.#all.length
  }

  get purges(): { manual: number; auto: number } {
    return { ...this.#purges }
  }

  /** Stores a parsed message under its envelope recipients; returns its summary. */
  add(recipients: readonly string[], parsed: ParsedMessage, receivedAt = Date.now()): MessageSummary {
    if (this.purgeAtCount > 0 && this.#all.length >= this.purgeAtCount) {
      const dropped = this.#clear()
      this.#purges.auto++
      this.#onAutoPurge?.(dropped)
    }
    const summary: MessageSummary = {
      subject: parsed.subject,
      date: parsed.date ? toRfc3339(parsed.date) : ZERO_TIME,
      notification_template_id: parsed.templateId ?? NIL_UUID,
      message_id: parsed.messageId,
      received_at: new Date(receivedAt).toISOString(),
    }
    const json = JSON.stringify(summary)
    this.#all.push(json)
    this.#allBody = undefined
    // The same address given twice, in any case, is one recipient.
    const keys =
      recipients.length === 1
        ? [(recipients[0] as string).toLowerCase()]
        : new Set(recipients.map((r) => r.toLowerCase()))
    for (const key of keys) {
      const inbox = this.#inboxes.get(key)
      if (inbox) {
        inbox.messages.push(json)
        inbox.body = undefined
      } else this.#inboxes.set(key, { messages: [json], body: undefined })
    }
    return summary
  }

  /** The JSON array body for one recipient (case-insensitive), or for every message. */
  responseBody(email?: string): Buffer {
    if (email === undefined) {
      this.#allBody ??= joinJson(this.#all)
      return this.#allBody
    }
    const inbox = this.#inboxes.get(email.toLowerCase())
    if (!inbox) return EMPTY
    inbox.body ??= joinJson(inbox.messages)
    return inbox.body
  }

  /** Summaries for one recipient (case-insensitive), or every message, in arrival order. */
  messages(email?: string): MessageSummary[] {
    const list = email === undefined ? this.#all : (this.#inboxes.get(email.toLowerCase())?.messages ?? [])
    return list.map((json) => JSON.parse(json) as MessageSummary)
  }

  /** Drops every stored message; returns how many there were. */
  purge(): number {
    this.#purges.manual++
    return this.#clear()
  }

  #clear(): number {
    const dropped = this.#all.length
    this.#all = []
    this.#allBody = undefined
    this.#inboxes = new Map()
    return dropped
  }
}

let lastDateMs = Number.NaN
let lastRfc3339 = ''

/** Like Go's time.Time JSON: no fractional part when it is zero. Remembers the last value. */
function toRfc3339(date: Date): string {
  const ms = date.getTime()
  if (ms !== lastDateMs) {
    const iso = date.toISOString()
    lastDateMs = ms
    lastRfc3339 = iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso
  }
  return lastRfc3339
}

function joinJson(messages: string[]): Buffer {
  return messages.length === 0 ? EMPTY : Buffer.from(`[${messages.join(',')}]`)
}
