/**
 * A single-consumer queue that turns pushed events into an async iterator: values wait until read,
 * an error is thrown to the reader after the values before it, `end()` finishes iteration.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #values: T[] = []
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined
  #error: { value: unknown } | undefined
  #ended = false
  readonly #onReturn: () => void

  constructor(onReturn: () => void = () => {}) {
    this.#onReturn = onReturn
  }

  get ended(): boolean {
    return this.#ended || this.#error !== undefined
  }

  push(value: T): void {
    if (this.ended) return
    if (this.#waiter) {
      const waiter = this.#waiter
      this.#waiter = undefined
      waiter.resolve({ value, done: false })
    } else this.#values.push(value)
  }

  fail(error: unknown): void {
    if (this.ended) return
    this.#error = { value: error }
    this.#settleWaiter()
  }

  end(): void {
    if (this.ended) return
    this.#ended = true
    this.#settleWaiter()
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.#values.shift()
    if (value !== undefined) return Promise.resolve({ value, done: false })
    if (this.#error) return Promise.reject(this.#error.value)
    if (this.#ended) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject }
    })
  }

  return(): Promise<IteratorResult<T>> {
    this.#values.length = 0
    this.end()
    this.#onReturn()
    return Promise.resolve({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this
  }

  #settleWaiter(): void {
    const waiter = this.#waiter
    if (!waiter || this.#values.length > 0) return
    this.#waiter = undefined
    if (this.#error) waiter.reject(this.#error.value)
    else waiter.resolve({ value: undefined, done: true })
  }
}
