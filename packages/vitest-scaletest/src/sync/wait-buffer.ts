// An append-only buffer of text output and structured events that tests can block on:
// waitFor(pattern), waitForNth(pattern, n), waitForCond(predicate). Waits are woken by writes (no
// polling), earlier output counts, and any number of waiters may wait at once.

import { Writable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'

import { WaitBufferError } from '../errors.ts'

export type WaitPattern = string | RegExp

export interface WaitOptions {
  /** Rejects with SCALETEST_WAIT_TIMEOUT after this many ms; defaults to the buffer's timeoutMs. */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface WaitBufferOptions<E> {
  /** Shown in errors. */
  name?: string
  /** Default timeout for every wait; 0 = none. Default 30 s. */
  timeoutMs?: number
  /** How many characters of the buffer's tail a timeout error shows. Default 1000. */
  tailChars?: number
  /** Called for every write (e.g. to tee a run's log to the console). */
  onWrite?: (text: string) => void
  /** Renders an event for error messages; defaults to JSON. */
  formatEvent?: (event: E) => string
}

/** What waitFor/waitForNth resolve with: where the (nth) match ends in the text. */
export interface WaitMatch {
  /** The matched text. */
  match: string
  /** Index of the match in the whole text. */
  index: number
  /** How many non-overlapping matches the text had when the wait resolved (>= n). */
  count: number
}

export interface WaitBufferView<E> {
  readonly text: string
  readonly events: readonly E[]
}

interface Waiter {
  check(): void
  reject(err: Error): void
}

export class WaitBuffer<E = unknown> {
  readonly name: string
  #text = ''
  readonly #events: E[] = []
  readonly #decoder = new StringDecoder('utf8')
  readonly #waiters = new Set<Waiter>()
  readonly #options: WaitBufferOptions<E>
  #closed: Error | undefined

  constructor(options: WaitBufferOptions<E> = {}) {
    this.name = options.name ?? 'buffer'
    this.#options = options
  }

  /** Everything written so far. */
  text(): string {
    return this.#text
  }

  /** Every event pushed so far. */
  events(): readonly E[] {
    return this.#events
  }

  get waiting(): number {
    return this.#waiters.size
  }

  /** Appends output; Buffers are decoded as UTF-8 across chunk boundaries. */
  write(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(Buffer.from(chunk))
    if (text.length === 0) return
    this.#text += text
    this.#options.onWrite?.(text)
    this.#wake()
  }

  /** A Writable that appends to this buffer, e.g. `child.stdout.pipe(buffer.writable())`. */
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        this.write(chunk)
        callback()
      },
    })
  }

  /** Appends a structured event (e.g. a parsed websocket message). */
  push(event: E): void {
    this.#events.push(event)
    this.#wake()
  }

  /** Rejects every pending and future wait with SCALETEST_WAIT_CLOSED (or `error`). */
  close(error?: Error): void {
    if (this.#closed) return
    this.#closed = error ?? new WaitBufferError('SCALETEST_WAIT_CLOSED', `${this.name}: closed while waiting`)
    for (const waiter of [...this.#waiters]) waiter.reject(this.#closed)
  }

  /** Resolves once the text contains `pattern` (earlier output included). */
  waitFor(pattern: WaitPattern, options?: WaitOptions): Promise<WaitMatch> {
    return this.waitForNth(pattern, 1, options)
  }

  /** Resolves once the whole text contains at least `n` non-overlapping matches of `pattern`. */
  waitForNth(pattern: WaitPattern, n: number, options: WaitOptions = {}): Promise<WaitMatch> {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`waitForNth: n must be an integer >= 1, got ${n}`)
    const counter = new MatchCounter(pattern)
    const describe = () => `${n === 1 ? '' : `occurrence ${n} of `}${String(pattern)} (seen ${counter.count})`
    return this.#wait(() => counter.advance(this.#text, n), describe, options)
  }

  /** Resolves with the predicate's truthy result once it holds for the buffer. */
  waitForCond<T>(
    predicate: (view: WaitBufferView<E>) => T | undefined | null | false,
    options: WaitOptions & { description?: string } = {},
  ): Promise<T> {
    const view: WaitBufferView<E> = { text: '', events: this.#events }
    const check = () => {
      ;(view as { text: string }).text = this.#text
      return predicate(view) || undefined
    }
    return this.#wait(check, () => options.description ?? 'condition', options)
  }

  /** Resolves with the first event (earlier ones included) that satisfies `predicate`. */
  waitForEvent(
    predicate: (event: E) => boolean,
    options: WaitOptions & { description?: string } = {},
  ): Promise<E> {
    let next = 0
    const check = () => {
      for (; next < this.#events.length; next++) {
        const event = this.#events[next]!
        if (predicate(event)) return { event }
      }
      return undefined
    }
    return this.#wait(check, () => options.description ?? 'event', options).then((found) => found.event)
  }

  #wait<T>(check: () => T | undefined, describe: () => string, options: WaitOptions): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed)
    const first = check()
    if (first !== undefined) return Promise.resolve(first)
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? 30_000
    const { signal } = options
    if (signal?.aborted) return Promise.reject(this.#aborted(describe(), signal.reason))
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const finish = () => {
        this.#waiters.delete(waiter)
        if (timer) clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
      }
      const waiter: Waiter = {
        check: () => {
          const value = check()
          if (value === undefined) return
          finish()
          resolve(value)
        },
        reject: (err) => {
          finish()
          reject(err)
        },
      }
      const onAbort = () => waiter.reject(this.#aborted(describe(), signal?.reason))
      this.#waiters.add(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          waiter.reject(
            new WaitBufferError(
              'SCALETEST_WAIT_TIMEOUT',
              `${this.name}: timed out after ${timeoutMs}ms waiting for ${describe()}\n${this.#tail()}`,
            ),
          )
        }, timeoutMs)
      }
    })
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter.check()
  }

  #aborted(what: string, reason: unknown): WaitBufferError {
    const detail = reason instanceof Error ? reason.message : String(reason ?? 'aborted')
    return new WaitBufferError(
      'SCALETEST_WAIT_ABORTED',
      `${this.name}: aborted waiting for ${what}: ${detail}`,
      {
        cause: reason,
      },
    )
  }

  #tail(): string {
    const max = this.#options.tailChars ?? 1000
    const text = this.#text.length > max ? `…${this.#text.slice(-max)}` : this.#text
    const format = this.#options.formatEvent ?? ((event: E) => JSON.stringify(event))
    const events = this.#events.slice(-5).map((e) => `  ${format(e)}`)
    const lines = [`--- last ${Math.min(max, this.#text.length)} chars of output ---`, text || '(empty)']
    if (this.#events.length > 0)
      lines.push(`--- last ${events.length} of ${this.#events.length} events ---`, ...events)
    return lines.join('\n')
  }
}

/** Counts non-overlapping matches incrementally, so each write only scans the new tail. */
class MatchCounter {
  count = 0
  #from = 0
  #last: WaitMatch | undefined
  readonly #pattern: WaitPattern

  constructor(pattern: WaitPattern) {
    if (pattern instanceof RegExp) {
      const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`
      this.#pattern = new RegExp(pattern.source, flags)
    } else {
      if (pattern.length === 0) throw new RangeError('WaitBuffer: cannot wait for an empty string')
      this.#pattern = pattern
    }
  }

  advance(text: string, n: number): WaitMatch | undefined {
    while (this.count < n) {
      const found = this.#next(text)
      if (!found) return undefined
      this.count++
      this.#last = found
    }
    return this.#last && { ...this.#last, count: this.count }
  }

  #next(text: string): WaitMatch | undefined {
    const pattern = this.#pattern
    if (typeof pattern === 'string') {
      const index = text.indexOf(pattern, this.#from)
      if (index < 0) {
        // Text before this point cannot hold the start of a match: skip it on the next write.
        this.#from = Math.max(this.#from, text.length - pattern.length + 1)
        return undefined
      }
      this.#from = index + pattern.length
      return { match: pattern, index, count: 0 }
    }
    pattern.lastIndex = this.#from
    const found = pattern.exec(text)
    if (!found) return undefined
    // An empty match must still move forward, or it would be counted forever.
    this.#from = found.index + Math.max(found[0].length, 1)
    return { match: found[0], index: found.index, count: 0 }
  }
}
