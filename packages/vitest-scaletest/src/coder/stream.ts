import type { AsyncQueue } from './async-queue.ts'
import { CoderStreamError, CoderTimeoutError } from './errors.ts'

export interface StreamWaitOptions {
  signal?: AbortSignal
  /** Give up after this long (CoderTimeoutError). Default: wait until the stream ends or the signal aborts. */
  timeoutMs?: number
}

/**
 * A server stream as the client sees it: an async iterator of validated frames that throws the
 * stream's error (abnormal close, `event: error`, a frame that breaks the contract) after the frames
 * received before it, plus `close()` and `await using` support.
 */
export class CoderStream<T> implements AsyncIterable<T>, AsyncDisposable {
  readonly endpoint: string
  readonly #queue: AsyncQueue<T>
  readonly #close: () => Promise<void>
  readonly #write: ((text: string) => Promise<void>) | undefined
  // A read abandoned by a timed-out waitFor stays pending; the next read reuses it so no frame is lost.
  #pending: Promise<IteratorResult<T>> | undefined

  constructor(
    endpoint: string,
    queue: AsyncQueue<T>,
    close: () => Promise<void>,
    write?: (text: string) => Promise<void>,
  ) {
    this.endpoint = endpoint
    this.#queue = queue
    this.#close = close
    this.#write = write
  }

  /** Sends one JSON message (websocket streams that take requests, e.g. dynamic parameters). */
  send(message: unknown): Promise<void> {
    if (!this.#write) return Promise.reject(new CoderStreamError(this.endpoint, 'this stream only receives'))
    return this.#write(JSON.stringify(message))
  }

  /** The next frame, or undefined once the stream ended normally. */
  async next(): Promise<T | undefined> {
    this.#pending ??= this.#queue.next().finally(() => {
      this.#pending = undefined
    })
    const result = await this.#pending
    return result.done ? undefined : result.value
  }

  /** Reads frames until one matches; frames read on the way are dropped. */
  async waitFor(predicate: (frame: T) => boolean, options: StreamWaitOptions = {}): Promise<T> {
    const what = `${this.endpoint}: wait for a matching frame`
    const signals = [options.signal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined]
    const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined))
    signal.throwIfAborted()
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
    aborted.catch(() => {})
    try {
      for (;;) {
        const frame = await Promise.race([this.next(), aborted])
        if (frame === undefined) throw new Error(`${what}: stream ended first`)
        if (predicate(frame)) return frame
      }
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError' && options.timeoutMs) {
        throw new CoderTimeoutError(what, options.timeoutMs)
      }
      throw error
    }
  }

  close(): Promise<void> {
    this.#queue.end()
    return this.#close()
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.#queue
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
