// A one-shot latch that carries a value: one side set()s it (or fail()s it) once, any number of
// waiters await it, earlier or later. A scenario uses it for "the trigger happened at T".

import { WaitBufferError } from '../errors.ts'

export interface LatchOptions {
  /** Shown in errors, e.g. 'trigger'. */
  name?: string
}

export interface LatchWaitOptions {
  /** Gives up this one wait after timeoutMs (SCALETEST_WAIT_TIMEOUT); the latch stays usable. */
  timeoutMs?: number
  /** Aborting it rejects this one wait (SCALETEST_WAIT_ABORTED). */
  signal?: AbortSignal
}

export type LatchState = 'pending' | 'set' | 'failed'

export class Latch<T> {
  readonly name: string
  #state: LatchState = 'pending'
  #value: T | undefined
  #error: unknown
  readonly #settled: Promise<T>
  #resolve!: (value: T) => void
  #reject!: (error: unknown) => void

  constructor(options: LatchOptions = {}) {
    this.name = options.name ?? 'latch'
    this.#settled = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    this.#settled.catch(() => {}) // a failed latch nobody waits on is not an unhandled rejection
  }

  get state(): LatchState {
    return this.#state
  }

  /** The value once set; undefined before (and after a failure). */
  get value(): T | undefined {
    return this.#value
  }

  /** Sets the value and wakes every waiter. Returns false (and changes nothing) if already settled. */
  set(value: T): boolean {
    if (this.#state !== 'pending') return false
    this.#state = 'set'
    this.#value = value
    this.#resolve(value)
    return true
  }

  /** Rejects every current and future wait with `error`. Returns false if already settled. */
  fail(error: unknown): boolean {
    if (this.#state !== 'pending') return false
    this.#state = 'failed'
    this.#error = error
    this.#reject(error)
    return true
  }

  /** Resolves with the value (at once if already set); rejects with the fail() error. */
  wait(options: LatchWaitOptions = {}): Promise<T> {
    if (this.#state === 'set') return Promise.resolve(this.#value as T)
    if (this.#state === 'failed') return Promise.reject(this.#error)
    const { signal, timeoutMs } = options
    if (signal?.aborted) return Promise.reject(this.#aborted(signal.reason))
    if (!signal && !(timeoutMs && timeoutMs > 0)) return this.#settled
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const onAbort = () => finish(() => reject(this.#aborted(signal?.reason)))
      const finish = (settle: () => void) => {
        if (timer) clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        settle()
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      if (timeoutMs && timeoutMs > 0) {
        timer = setTimeout(
          () =>
            finish(() =>
              reject(
                new WaitBufferError('SCALETEST_WAIT_TIMEOUT', `${this.name}: not set after ${timeoutMs}ms`),
              ),
            ),
          timeoutMs,
        )
      }
      this.#settled.then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(error)),
      )
    })
  }

  #aborted(reason: unknown): WaitBufferError {
    const detail = reason instanceof Error ? reason.message : String(reason ?? 'aborted')
    return new WaitBufferError('SCALETEST_WAIT_ABORTED', `${this.name}: aborted waiting: ${detail}`, {
      cause: reason,
    })
  }
}
