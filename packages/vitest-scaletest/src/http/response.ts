// The response of HttpClient.request() with a light body, filled by the client's own transport
// (h1-transport.ts) or by undici's dispatch() (dispatchRequest, for a given dispatcher). undici's own
// request() wraps every response in an AsyncResource and a Readable stream; a closed loop that only
// reads or drops small bodies spent ~40% of its CPU per request there. ResponseBody keeps the chunks
// in an array, hands them to text()/json()/bytes()/dump() or an async iterator, and pauses the socket
// when an unread body grows past HIGH_WATER_MARK, so a large or endless body still streams.

import type { IncomingHttpHeaders } from 'node:http'

import type { Dispatcher } from 'undici'

const HIGH_WATER_MARK = 1 << 20

export interface HttpResponse {
  statusCode: number
  headers: IncomingHttpHeaders
  body: ResponseBody
}

/** What a ResponseBody steers its transport with: undici's DispatchController, or an H1 exchange. */
export interface BodyController {
  readonly paused: boolean
  pause(): void
  resume(): void
  /** Stop receiving: the connection is dropped and the body fails with `reason`. */
  abort(reason: Error): void
}

/** Bytes dump() reads before it closes the connection instead (as undici's dump()). */
const DUMP_LIMIT = 128 * 1024

/** The body of an HttpResponse: read it once (text, json, bytes, arrayBuffer), stream it (for await), or dump() it. */
export class ResponseBody implements AsyncIterable<Buffer> {
  #chunks: Buffer[] = []
  #buffered = 0
  #ended = false
  #error: Error | undefined
  #used = false
  #dumped = 0
  #dumping = false
  /** Wakes the one reader waiting for a chunk, the end or an error. */
  #wake: (() => void) | undefined
  readonly #controller: BodyController

  constructor(controller: BodyController) {
    this.#controller = controller
  }

  get bodyUsed(): boolean {
    return this.#used
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8')
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text())
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes()
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  }

  /** The whole body; rejects with the transport error if the body fails. */
  async bytes(): Promise<Buffer> {
    this.#use()
    const parts: Buffer[] = []
    for (;;) {
      if (this.#chunks.length > 0) parts.push(...this.#take())
      else if (this.#error !== undefined) throw this.#error
      else if (this.#ended) break
      else await this.#next()
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
  }

  /**
   * Reads and drops the rest of the body so the connection is reused; past 128 KiB it closes the
   * connection instead. Resolves (never rejects) once the body ended or failed, like undici's dump().
   */
  async dump(): Promise<void> {
    if (this.#dumping) return
    this.#used = true
    this.#dumping = true
    this.#dumped = this.#buffered
    this.#take()
    if (this.#dumped > DUMP_LIMIT) this.#controller.abort(new Error('response body dumped past 128 KiB'))
    while (!this.#ended && this.#error === undefined) await this.#next()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    this.#use()
    for (;;) {
      if (this.#chunks.length > 0) yield* this.#take()
      else if (this.#error !== undefined) throw this.#error
      else if (this.#ended) return
      else await this.#next()
    }
  }

  /** From the transport. */
  push(chunk: Buffer): void {
    if (this.#dumping) {
      this.#dumped += chunk.length
      if (this.#dumped > DUMP_LIMIT) this.#controller.abort(new Error('response body dumped past 128 KiB'))
      return
    }
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    if (this.#buffered > HIGH_WATER_MARK && !this.#controller.paused) this.#controller.pause()
    this.#notify()
  }

  end(): void {
    this.#ended = true
    this.#notify()
  }

  fail(error: Error): void {
    this.#error ??= error
    this.#notify()
  }

  #take(): Buffer[] {
    const chunks = this.#chunks
    this.#chunks = []
    this.#buffered = 0
    if (this.#controller.paused) this.#controller.resume()
    return chunks
  }

  #next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve
    })
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  #use(): void {
    if (this.#used) throw new TypeError('the response body was already read')
    this.#used = true
  }
}

/**
 * Dispatches one request and resolves at its response headers, like undici's request(); an abort of
 * `signal` aborts it (before or after the headers) with the signal's reason.
 */
export function dispatchRequest(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: AbortSignal | null,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let body: ResponseBody | undefined
    let controller: Dispatcher.DispatchController | undefined
    const onAbort = () => controller?.abort(toError(signal?.reason))
    const settle = () => signal?.removeEventListener('abort', onAbort)
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c
        if (signal?.aborted) c.abort(toError(signal.reason))
        else signal?.addEventListener('abort', onAbort, { once: true })
      },
      onResponseStart(c, statusCode, headers) {
        body = new ResponseBody(c)
        resolve({ statusCode, headers, body })
      },
      onResponseData(_c, chunk) {
        body?.push(chunk)
      },
      onResponseEnd() {
        settle()
        body?.end()
      },
      onResponseError(_c, error) {
        settle()
        if (body === undefined) reject(error)
        else body.fail(error)
      },
    }
    try {
      dispatcher.dispatch(options, handler)
    } catch (error) {
      settle()
      reject(error)
    }
  })
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'))
}
