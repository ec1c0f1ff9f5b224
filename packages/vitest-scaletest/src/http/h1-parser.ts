// An incremental HTTP/1.1 response parser for one keep-alive connection (see h1-transport.ts): the
// status line and headers, then a body by content-length, chunked (with trailers) or until close,
// or none (HEAD, 1xx, 204, 304). 1xx responses other than 101 are skipped. It is fed the socket's
// chunks as they come and hands body bytes on as views of them (no copy). Malformed input throws an
// H1ParseError with an llhttp-style code, so the connection is dropped with a clear message.

import type { IncomingHttpHeaders } from 'node:http'

/** Node's default --max-http-header-size, as undici and node:http use. */
export const MAX_HEAD_BYTES = 16 * 1024
const MAX_CHUNK_LINE = 1024
const CRLF = 0x0a0d // '\r\n' as a little-endian uint16
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Raw header name → its validated lowercase form: a server sends the same few names every time. */
const NAMES = new Map<string, string>()
const MAX_NAMES = 512

/** The lowercase name, or undefined if `raw` is not a token. */
function headerName(raw: string): string | undefined {
  const known = NAMES.get(raw)
  if (known !== undefined) return known
  if (!TOKEN.test(raw)) return undefined
  if (NAMES.size >= MAX_NAMES) NAMES.clear()
  const name = raw.toLowerCase()
  NAMES.set(raw, name)
  return name
}

const KEEP_ALIVE_TIMEOUT = /(?:^|[\s,])timeout\s*=\s*(\d+)/i

/** The status code of an `HTTP/1.x NNN reason` line (the first `end` chars of `head`), checked. */
function statusCodeOf(head: string, end: number): number {
  const d0 = head.charCodeAt(9) - 0x30
  const d1 = head.charCodeAt(10) - 0x30
  const d2 = head.charCodeAt(11) - 0x30
  const minor = head.charCodeAt(7)
  if (
    !head.startsWith('HTTP/1.') ||
    (minor !== 0x30 && minor !== 0x31) ||
    head.charCodeAt(8) !== 0x20 ||
    !(d0 >= 1 && d0 <= 9 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9) ||
    (end > 12 && head.charCodeAt(12) !== 0x20) ||
    end < 12
  ) {
    throw new H1ParseError(
      'HPE_INVALID_CONSTANT',
      `expected an HTTP/1.x status line, got ${JSON.stringify(head.slice(0, Math.min(end, 40)))}`,
    )
  }
  return d0 * 100 + d1 * 10 + d2
}

export class H1ParseError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'H1ParseError'
    this.code = code
  }
}

export interface ResponseHead {
  statusCode: number
  headers: IncomingHttpHeaders
}

export interface ResponseEvents {
  onHead(head: ResponseHead): void
  onBody(chunk: Buffer): void
  /** The response is complete; `reusable` says whether the connection may carry another request. */
  onEnd(reusable: boolean): void
}

const State = {
  Idle: 0,
  Head: 1,
  Length: 2,
  ChunkSize: 3,
  ChunkData: 4,
  ChunkEnd: 5,
  Trailers: 6,
  UntilClose: 7,
} as const

export class ResponseParser {
  #state: number = State.Idle
  #events: ResponseEvents | undefined
  #noBody = false
  /** A head, chunk-size line or trailer section split across chunks, so far. */
  #partial: Buffer | undefined
  #remaining = 0
  #keepAlive = true
  /** The server's `Keep-Alive: timeout=N` hint of the last response, in ms. */
  keepAliveHintMs: number | undefined

  /** Expect the response to a request just sent; `noBody` for HEAD. */
  start(events: ResponseEvents, noBody: boolean): void {
    this.#events = events
    this.#noBody = noBody
    this.#state = State.Head
    this.#partial = undefined
    this.#keepAlive = true
  }

  /** Not between a start() and the end of its response. */
  get idle(): boolean {
    return this.#state === State.Idle
  }

  /** Bytes from the socket. Throws H1ParseError on malformed input, or on data no request asked for. */
  feed(chunk: Buffer): void {
    let at = 0
    if (this.#partial !== undefined) {
      chunk = Buffer.concat([this.#partial, chunk])
      this.#partial = undefined
    }
    while (at < chunk.length) {
      switch (this.#state) {
        case State.Idle:
          throw new H1ParseError('HPE_UNEXPECTED_DATA', 'the server sent data with no request outstanding')
        case State.Head: {
          const end = chunk.indexOf('\r\n\r\n', at, 'latin1')
          if (end === -1) {
            if (chunk.length - at > MAX_HEAD_BYTES)
              throw new H1ParseError(
                'HPE_HEADER_OVERFLOW',
                `response head larger than ${MAX_HEAD_BYTES} bytes`,
              )
            this.#partial = chunk.subarray(at)
            return
          }
          if (end - at > MAX_HEAD_BYTES)
            throw new H1ParseError('HPE_HEADER_OVERFLOW', `response head larger than ${MAX_HEAD_BYTES} bytes`)
          const head = chunk.toString('latin1', at, end)
          at = end + 4
          this.#onHead(head)
          if ((this.#state as number) === State.Idle) {
            this.#complete(chunk, at)
            return
          }
          break
        }
        case State.Length: {
          const take = Math.min(this.#remaining, chunk.length - at)
          this.#remaining -= take
          const data = chunk.subarray(at, at + take)
          at += take
          this.#events!.onBody(data)
          if (this.#remaining === 0) {
            this.#complete(chunk, at)
            return
          }
          break
        }
        case State.ChunkSize: {
          const end = chunk.indexOf('\r\n', at, 'latin1')
          if (end === -1) {
            if (chunk.length - at > MAX_CHUNK_LINE)
              throw new H1ParseError('HPE_INVALID_CHUNK_SIZE', 'chunk size line too long')
            this.#partial = chunk.subarray(at)
            return
          }
          const line = chunk.toString('latin1', at, end)
          at = end + 2
          const semi = line.indexOf(';')
          const hex = (semi === -1 ? line : line.slice(0, semi)).trim()
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex))
            throw new H1ParseError(
              'HPE_INVALID_CHUNK_SIZE',
              `invalid chunk size line ${JSON.stringify(line)}`,
            )
          this.#remaining = Number.parseInt(hex, 16)
          this.#state = this.#remaining === 0 ? State.Trailers : State.ChunkData
          break
        }
        case State.ChunkData: {
          const take = Math.min(this.#remaining, chunk.length - at)
          this.#remaining -= take
          const data = chunk.subarray(at, at + take)
          at += take
          this.#events!.onBody(data)
          if (this.#remaining === 0) this.#state = State.ChunkEnd
          break
        }
        case State.ChunkEnd: {
          if (chunk.length - at < 2) {
            this.#partial = chunk.subarray(at)
            return
          }
          if (chunk.readUInt16LE(at) !== CRLF)
            throw new H1ParseError('HPE_STRICT', 'chunk data not followed by CRLF')
          at += 2
          this.#state = State.ChunkSize
          break
        }
        case State.Trailers: {
          // Trailer fields up to an empty line; read and dropped (request() exposes none).
          if (chunk.length - at >= 2 && chunk.readUInt16LE(at) === CRLF) {
            at += 2
            this.#complete(chunk, at)
            return
          }
          const end = chunk.indexOf('\r\n\r\n', at, 'latin1')
          if (end === -1) {
            if (chunk.length - at > MAX_HEAD_BYTES)
              throw new H1ParseError('HPE_HEADER_OVERFLOW', `trailers larger than ${MAX_HEAD_BYTES} bytes`)
            this.#partial = chunk.subarray(at)
            return
          }
          at = end + 4
          this.#complete(chunk, at)
          return
        }
        case State.UntilClose: {
          this.#events!.onBody(at === 0 ? chunk : chunk.subarray(at))
          return
        }
      }
    }
  }

  /**
   * The server closed its side. Ends a body that runs until close (true); false if a response was
   * under way and is now cut short, or none was expected.
   */
  eof(): boolean {
    if (this.#state !== State.UntilClose) return false
    this.#state = State.Idle
    this.#events!.onEnd(false)
    return true
  }

  /** The message ended at `at`: anything after it was not asked for, so the connection is not reused. */
  #complete(chunk: Buffer, at: number): void {
    this.#state = State.Idle
    this.#events!.onEnd(this.#keepAlive && at === chunk.length)
  }

  #onHead(head: string): void {
    const lineEnd = head.indexOf('\r\n')
    const statusEnd = lineEnd === -1 ? head.length : lineEnd
    const statusCode = statusCodeOf(head, statusEnd)
    const headers: IncomingHttpHeaders = {}
    let contentLength: number | undefined
    let chunked = false
    let transferEncoding = false
    let close = head.charCodeAt(7) === 0x30 // HTTP/1.0: close unless keep-alive
    let hint: number | undefined
    for (let at = statusEnd + 2; at < head.length; ) {
      let next = head.indexOf('\r\n', at)
      if (next === -1) next = head.length
      const colon = head.indexOf(':', at)
      const name = colon > at && colon < next ? headerName(head.slice(at, colon)) : undefined
      if (name === undefined) {
        throw new H1ParseError(
          'HPE_INVALID_HEADER_TOKEN',
          `invalid header line ${JSON.stringify(head.slice(at, Math.min(next, at + 40)))}`,
        )
      }
      const value = head.slice(colon + 1, next).trim()
      at = next + 2
      const existing = headers[name]
      if (existing === undefined) headers[name] = value
      else if (Array.isArray(existing)) existing.push(value)
      else headers[name] = [existing, value] as string[]
      switch (name) {
        case 'content-length': {
          const n = value.length > 0 && value.length <= 15 ? Number(value) : Number.NaN
          if (
            !Number.isInteger(n) ||
            n < 0 ||
            !/^[0-9]+$/.test(value) ||
            (contentLength !== undefined && contentLength !== n)
          )
            throw new H1ParseError(
              'HPE_INVALID_CONTENT_LENGTH',
              `invalid content-length ${JSON.stringify(value)}`,
            )
          contentLength = n
          break
        }
        case 'transfer-encoding': {
          transferEncoding = true
          chunked = value.toLowerCase().split(',').at(-1)!.trim() === 'chunked'
          break
        }
        case 'connection': {
          if (value === 'keep-alive') close = false
          else if (value === 'close') close = true
          else
            for (const token of value.toLowerCase().split(',')) {
              const t = token.trim()
              if (t === 'close') close = true
              else if (t === 'keep-alive') close = false
            }
          break
        }
        case 'keep-alive': {
          const m = KEEP_ALIVE_TIMEOUT.exec(value)
          if (m) hint = Number(m[1]) * 1000
          break
        }
      }
    }
    if (statusCode === 101)
      throw new H1ParseError(
        'HPE_UNEXPECTED_UPGRADE',
        'the server switched protocols; request() speaks HTTP/1.1 only',
      )
    if (statusCode < 200) {
      this.#state = State.Head // 100 Continue, 103 Early Hints: wait for the final response
      return
    }
    this.keepAliveHintMs = hint
    this.#keepAlive = !close
    this.#events!.onHead({ statusCode, headers })
    if (this.#noBody || statusCode === 204 || statusCode === 304) this.#state = State.Idle
    else if (chunked) {
      // A message with both is a smuggling risk; the chunked framing wins and the connection ends.
      if (contentLength !== undefined) this.#keepAlive = false
      this.#state = State.ChunkSize
    } else if (contentLength !== undefined && !transferEncoding) {
      this.#remaining = contentLength
      this.#state = contentLength === 0 ? State.Idle : State.Length
    } else {
      this.#keepAlive = false
      this.#state = State.UntilClose
    }
  }
}
