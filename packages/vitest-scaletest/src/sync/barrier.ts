// A count-down barrier for runners: every party calls done() (or arriveAndWait()) and wait() resolves
// once `size` parties arrived. Unlike a bare WaitGroup, a party that fails (fail()), a cancel, a
// barrier timeout or the owner's AbortSignal releases every waiter with an error instead of hanging.
// A run joins as a BarrierParty (`using party = barrier.join(signal)`): a run that fails or is
// aborted before it arrives leaves the barrier by itself, so the others stop waiting for it
// (Coder's Barrier.Cancel in scaletest/harness/barrier.go).

import { BarrierError } from '../errors.ts'

export interface BarrierOptions {
  /** Shown in errors, e.g. 'websocket dialed'. */
  name?: string
  /**
   * Fails the whole barrier (every waiter rejects) if it has not opened this many ms after the first
   * wait() call. 0 or undefined = no barrier timeout.
   */
  timeoutMs?: number
  /** Aborting it cancels the barrier for every party. */
  signal?: AbortSignal
}

export interface BarrierWaitOptions {
  /** Gives up this one wait after timeoutMs; the barrier itself stays usable for the others. */
  timeoutMs?: number
  /** Aborting it rejects this one wait. */
  signal?: AbortSignal
}

export type BarrierState = 'waiting' | 'open' | 'failed'

/** What a barrier saw, for the report: who arrived, and how long each resolved wait() waited. */
export interface BarrierStats {
  name: string
  size: number
  arrived: number
  left: number
  state: BarrierState
  /** ms from the first wait() until the barrier opened; null if it never opened. */
  opened_after_ms: number | null
  /** Every wait() that resolved, in ms, in the order they resolved (0 for a barrier already open). */
  wait_ms: number[]
}

export class Barrier {
  readonly size: number
  readonly name: string
  #arrived = 0
  #left = 0
  #error: BarrierError | undefined
  #opened = false
  readonly #waiters = new Set<{ resolve: () => void; reject: (err: Error) => void }>()
  readonly #timeoutMs: number
  #timer: NodeJS.Timeout | undefined
  readonly #signal: AbortSignal | undefined
  readonly #onAbort = () => this.cancel(this.#signal?.reason)
  #firstWaitAt: number | undefined
  #openedAt: number | undefined
  readonly #waitMs: number[] = []

  constructor(size: number, options: BarrierOptions = {}) {
    if (!Number.isInteger(size) || size < 0) {
      throw new BarrierError(
        'SCALETEST_BARRIER_OVERFLOW',
        `Barrier size must be an integer >= 0, got ${size}`,
      )
    }
    this.size = size
    this.name = options.name ?? 'barrier'
    this.#timeoutMs = options.timeoutMs ?? 0
    this.#signal = options.signal
    if (size === 0) this.#opened = true
    if (this.#signal?.aborted) this.#onAbort()
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true })
  }

  get arrived(): number {
    return this.#arrived
  }

  /** Parties that left without arriving (leave(), or a BarrierParty disposed or aborted early). */
  get left(): number {
    return this.#left
  }

  get remaining(): number {
    return this.size - this.#arrived - this.#left
  }

  get state(): BarrierState {
    if (this.#error) return 'failed'
    return this.#opened ? 'open' : 'waiting'
  }

  /** The error that failed the barrier, if any. */
  get error(): BarrierError | undefined {
    return this.#error
  }

  /** Marks one party as arrived. Arriving more than `size` times is a bug and throws. */
  done(): void {
    this.#count('done')
  }

  /**
   * One party leaves without arriving (Coder's Barrier.Cancel): the barrier stops waiting for it
   * and opens once everyone else arrived. Unlike fail(), the others are not failed.
   */
  leave(): void {
    this.#count('leave')
  }

  /**
   * Joins as one party. The party's arrive() counts once; if it is disposed (`using`) or `signal`
   * aborts before it arrived, it leaves, so a failed or aborted run never holds up the others.
   */
  join(signal?: AbortSignal): BarrierParty {
    return new BarrierParty(this, signal)
  }

  #count(how: 'done' | 'leave'): void {
    if (this.#error) return
    const counted = this.#arrived + this.#left
    if (counted >= this.size) {
      throw new BarrierError(
        'SCALETEST_BARRIER_OVERFLOW',
        `${this.name}: ${how}() called ${counted + 1} times for a barrier of size ${this.size}`,
      )
    }
    if (how === 'done') this.#arrived++
    else this.#left++
    if (this.#arrived + this.#left === this.size) this.#open()
  }

  /** Resolves once all parties arrived; rejects with a BarrierError if the barrier fails first. */
  wait(options: BarrierWaitOptions = {}): Promise<void> {
    if (this.#error) return Promise.reject(this.#error)
    if (this.#opened) {
      this.#waitMs.push(0)
      return Promise.resolve()
    }
    if (options.signal?.aborted) return Promise.reject(this.#abortError(options.signal.reason))
    this.#startTimer()
    const started = performance.now()
    this.#firstWaitAt ??= started
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const settle = () => {
        this.#waiters.delete(waiter)
        if (timer) clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
      }
      const waiter = {
        resolve: () => {
          settle()
          this.#waitMs.push(performance.now() - started)
          resolve()
        },
        reject: (err: Error) => {
          settle()
          reject(err)
        },
      }
      const onAbort = () => waiter.reject(this.#abortError(options.signal?.reason))
      this.#waiters.add(waiter)
      options.signal?.addEventListener('abort', onAbort, { once: true })
      if (options.timeoutMs && options.timeoutMs > 0) {
        timer = setTimeout(
          () =>
            waiter.reject(
              new BarrierError(
                'SCALETEST_BARRIER_TIMEOUT',
                `${this.name}: gave up waiting after ${options.timeoutMs}ms with ${this.#arrived}/${this.size} arrived`,
              ),
            ),
          options.timeoutMs,
        )
      }
    })
  }

  /** done() then wait(). */
  arriveAndWait(options?: BarrierWaitOptions): Promise<void> {
    this.done()
    return this.wait(options)
  }

  /** A party failed: every current and future wait() rejects with an error carrying `cause`. */
  fail(cause?: unknown): void {
    const detail =
      cause instanceof Error ? cause.message : cause === undefined ? 'a party failed' : String(cause)
    this.#reject(
      new BarrierError(
        'SCALETEST_BARRIER_FAILED',
        `${this.name}: failed with ${this.#arrived}/${this.size} arrived: ${detail}`,
        { cause },
      ),
    )
  }

  /** Cancels the barrier: every current and future wait() rejects. */
  cancel(reason?: unknown): void {
    this.#reject(this.#abortError(reason))
  }

  #abortError(reason: unknown): BarrierError {
    const detail =
      reason instanceof Error ? reason.message : reason === undefined ? 'cancelled' : String(reason)
    return new BarrierError(
      'SCALETEST_BARRIER_ABORTED',
      `${this.name}: cancelled with ${this.#arrived}/${this.size} arrived: ${detail}`,
      { cause: reason },
    )
  }

  #startTimer(): void {
    if (this.#timer || this.#timeoutMs <= 0) return
    this.#timer = setTimeout(() => {
      this.#reject(
        new BarrierError(
          'SCALETEST_BARRIER_TIMEOUT',
          `${this.name}: timed out after ${this.#timeoutMs}ms with ${this.#arrived}/${this.size} arrived`,
        ),
      )
    }, this.#timeoutMs)
  }

  /** Arrivals and wait times so far. */
  stats(): BarrierStats {
    const opened =
      this.#openedAt !== undefined && this.#firstWaitAt !== undefined
        ? Math.max(0, this.#openedAt - this.#firstWaitAt)
        : null
    return {
      name: this.name,
      size: this.size,
      arrived: this.#arrived,
      left: this.#left,
      state: this.state,
      opened_after_ms: opened,
      wait_ms: [...this.#waitMs],
    }
  }

  #open(): void {
    this.#opened = true
    this.#openedAt = performance.now()
    this.#dispose()
    for (const waiter of [...this.#waiters]) waiter.resolve()
  }

  #reject(error: BarrierError): void {
    if (this.#error || this.#opened) return
    this.#error = error
    this.#dispose()
    for (const waiter of [...this.#waiters]) waiter.reject(error)
  }

  #dispose(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#signal?.removeEventListener('abort', this.#onAbort)
  }
}

export type BarrierPartyState = 'joined' | 'arrived' | 'left'

/** One party of a Barrier, from Barrier.join(). Disposing it before arrive() leaves the barrier. */
export class BarrierParty implements Disposable {
  readonly barrier: Barrier
  #state: BarrierPartyState = 'joined'
  readonly #signal: AbortSignal | undefined
  readonly #onAbort = () => this.leave()

  constructor(barrier: Barrier, signal?: AbortSignal) {
    this.barrier = barrier
    this.#signal = signal
    if (signal?.aborted) this.leave()
    else signal?.addEventListener('abort', this.#onAbort, { once: true })
  }

  get state(): BarrierPartyState {
    return this.#state
  }

  /** Counts this party as arrived, once: later calls (and calls after leave()) do nothing. */
  arrive(): void {
    if (this.#state !== 'joined') return
    this.#state = 'arrived'
    this.#detach()
    this.barrier.done()
  }

  /** Waits for the whole barrier (see Barrier.wait). */
  wait(options?: BarrierWaitOptions): Promise<void> {
    return this.barrier.wait(options)
  }

  /** arrive() then wait(). */
  arriveAndWait(options?: BarrierWaitOptions): Promise<void> {
    this.arrive()
    return this.wait(options)
  }

  /** Leaves without arriving, once; does nothing after arrive(). */
  leave(): void {
    if (this.#state !== 'joined') return
    this.#state = 'left'
    this.#detach()
    this.barrier.leave()
  }

  [Symbol.dispose](): void {
    this.leave()
  }

  #detach(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort)
  }
}
