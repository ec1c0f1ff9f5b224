import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'

const encoder = new TextEncoder()

/** A fetch Request as the handlers read it: headers, method, url and an async-iterable body. */
export function toNodeRequest(request: Request): IncomingMessage {
  const body = request.body
    ? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>)
    : Readable.from([])
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  const url = new URL(request.url)
  return Object.assign(body, {
    headers,
    method: request.method,
    url: `${url.pathname}${url.search}`,
  }) as unknown as IncomingMessage
}

/**
 * The part of ServerResponse the handlers use (writeHead, write, end, destroy, 'close'), turned
 * into a fetch Response whose body streams, so SSE works too. `response` settles at writeHead.
 */
export class ResponseCollector extends EventEmitter {
  headersSent = false
  readonly response: Promise<Response>
  #resolve!: (response: Response) => void
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined

  constructor() {
    super()
    this.response = new Promise((resolve) => {
      this.#resolve = resolve
    })
  }

  writeHead(status: number, a?: string | Record<string, unknown>, b?: Record<string, unknown>): this {
    const headers = new Headers()
    for (const [name, value] of Object.entries((typeof a === 'string' ? b : a) ?? {}))
      if (name !== 'content-length') headers.set(name, String(value))
    this.headersSent = true
    const body =
      status === 204 || status === 304
        ? null
        : new ReadableStream<Uint8Array>({
            start: (controller) => {
              this.#controller = controller
            },
            cancel: () => {
              this.#controller = undefined
              this.emit('close')
            },
          })
    this.#resolve(new Response(body, { status, headers }))
    return this
  }

  write(chunk: string | Uint8Array): boolean {
    this.#controller?.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
    return true
  }

  end(chunk?: string | Uint8Array): this {
    if (!this.headersSent) this.writeHead(200)
    if (chunk !== undefined) this.write(chunk)
    this.#controller?.close()
    this.#controller = undefined
    this.emit('close')
    return this
  }

  destroy(): void {
    this.#controller?.error(new Error('response aborted'))
    this.#controller = undefined
    this.emit('close')
  }
}
