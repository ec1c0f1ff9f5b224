// HttpClient's own transport: HTTP/1.1 keep-alive connections over node:net / node:tls, one request
// at a time per connection (undici's default pipelining of 1), a pre-encoded request head and the
// small parser of h1-parser.ts. Why not undici's dispatch(): a 64-runner closed loop spent ~30% of
// its CPU per request in undici's Agent → Pool → Client layers, request objects, header parsing via
// llhttp callbacks and per-request timers, which made the harness no cheaper than undici's own
// request() and kept it below 0.7x of autocannon (issue 13). This file keeps what HttpClient relied
// on from undici: the same error codes (UND_ERR_SOCKET, UND_ERR_HEADERS_TIMEOUT, UND_ERR_BODY_TIMEOUT,
// UND_ERR_CONNECT_TIMEOUT, the socket's own ECONNRESET…), so retries and error texts are unchanged;
// headers and body timeouts; a connection limit per origin; the server's Keep-Alive timeout hint
// (minus undici's 2 s threshold, 4 s without one); header validation; pause/resume/abort of a body.
// Timeouts of 1 s or more share one coarse 500 ms sweep (as undici's fast timers), so a request
// allocates no timer; shorter ones get their own.

import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'

import { H1ParseError, type ResponseEvents, type ResponseHead, ResponseParser } from './h1-parser.ts'
import { type BodyController, type HttpResponse, ResponseBody } from './response.ts'

export { H1ParseError }

/** A transport failure with undici's code for the same condition. */
export class TransportError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'TransportError'
    this.code = code
  }
}

export interface H1Origin {
  /** Pool key, e.g. http://127.0.0.1:3000. */
  origin: string
  /** For net/tls connect: no IPv6 brackets. */
  host: string
  port: number
  tls: boolean
}

export interface H1Request {
  head: Buffer
  body: Buffer | null
  /** HEAD: the response has no body whatever its headers say. */
  noBody: boolean
  /** The head asked for `connection: close`: the connection is not reused after the response. */
  close: boolean
  /** Headers and body (between chunks) time limit in ms, or null for none. */
  timeoutMs: number | null
  signal: AbortSignal | null
}

const DEFAULT_KEEP_ALIVE_MS = 4_000
const KEEP_ALIVE_THRESHOLD_MS = 2_000
const MAX_KEEP_ALIVE_MS = 600_000
const SWEEP_MS = 500
/** Timeouts from this long on go to the shared sweep; shorter ones need a timer of their own. */
const COARSE_FROM_MS = 1_000

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const INVALID_PATH = /[^\u0021-\u00ff]/
const INVALID_VALUE = /[^\t\u0020-\u007e\u0080-\u00ff]/
const FORBIDDEN = new Set(['transfer-encoding', 'upgrade', 'keep-alive', 'expect'])
const PAYLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/**
 * The request line and headers, validated as undici validates them (a bad name or value, a path with
 * spaces or control characters, a framing header the transport owns: a TypeError-like error thrown
 * before anything is sent).
 */
export function encodeHead(
  method: string,
  path: string,
  hostHeader: string,
  headers: Record<string, string>,
  bodyLength: number | null,
): Buffer {
  if (!TOKEN.test(method)) throw invalid(`invalid request method ${JSON.stringify(method)}`)
  if (INVALID_PATH.test(path)) throw invalid('invalid request path')
  let host = hostHeader
  // As undici: a connection that carried a HEAD is closed after it (servers that send a body anyway).
  let connection = method === 'HEAD' ? 'close' : 'keep-alive'
  let contentLength = bodyLength ?? (PAYLOAD_METHODS.has(method) ? 0 : null)
  let lines = ''
  for (const name in headers) {
    const value = headers[name]!
    if (!TOKEN.test(name)) throw invalid(`invalid header name ${JSON.stringify(name)}`)
    if (typeof value !== 'string' || INVALID_VALUE.test(value)) throw invalid(`invalid ${name} header`)
    const lower = name.toLowerCase()
    if (lower === 'host') host = value
    else if (lower === 'connection') {
      const v = value.toLowerCase()
      if (v !== 'close' && v !== 'keep-alive') throw invalid('invalid connection header')
      if (connection !== 'close') connection = v
    } else if (lower === 'content-length') {
      const n = Number(value)
      if (!/^\d+$/.test(value) || (bodyLength !== null && n !== bodyLength)) {
        throw new TransportError(
          'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
          'Request body length does not match content-length header',
        )
      }
      contentLength = n
    } else if (FORBIDDEN.has(lower)) throw invalid(`invalid ${lower} header`)
    else lines += `${name}: ${value}\r\n`
  }
  const length = contentLength === null ? '' : `content-length: ${contentLength}\r\n`
  return Buffer.from(
    `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: ${connection}\r\n${lines}${length}\r\n`,
    'latin1',
  )
}

function invalid(message: string): TransportError {
  return new TransportError('UND_ERR_INVALID_ARG', message)
}

function otherSideClosed(): TransportError {
  return new TransportError('UND_ERR_SOCKET', 'other side closed')
}

// ---- the shared coarse clock and sweep (timeouts >= 1 s, idle connections) ----

/** performance.now() as of the last sweep: deadlines and idle times need no clock call per request. */
let coarseNow = performance.now()
/** Pools with open connections: the sweep checks their requests' deadlines and idle connections. */
const sweptPools = new Set<OriginPool>()
let sweeper: NodeJS.Timeout | undefined

function ensureSweeper(): void {
  if (sweeper !== undefined) return
  coarseNow = performance.now()
  sweeper = setInterval(sweep, SWEEP_MS)
  sweeper.unref()
}

function sweep(): void {
  coarseNow = performance.now()
  for (const pool of sweptPools) pool.sweep(coarseNow)
  if (sweptPools.size === 0) {
    clearInterval(sweeper)
    sweeper = undefined
  }
}

const Phase = { Queued: 0, Sent: 1, Body: 2, Done: 3 } as const

/** One request and its response: the body's controller, and the parser's listener via its connection. */
class Exchange implements BodyController {
  phase: number = Phase.Queued
  connection: Connection | undefined
  body: ResponseBody | undefined
  /** When the current wait (headers, or the next body chunk) times out, on the coarse clock. */
  deadline = Number.POSITIVE_INFINITY
  #paused = false
  #timer: NodeJS.Timeout | undefined
  readonly request: H1Request
  readonly #transport: H1Transport
  readonly #pool: OriginPool
  readonly #resolve: (response: HttpResponse) => void
  readonly #reject: (error: Error) => void

  constructor(
    transport: H1Transport,
    pool: OriginPool,
    request: H1Request,
    resolve: (response: HttpResponse) => void,
    reject: (error: Error) => void,
  ) {
    this.#transport = transport
    this.#pool = pool
    this.request = request
    this.#resolve = resolve
    this.#reject = reject
    request.signal?.addEventListener('abort', this)
  }

  get paused(): boolean {
    return this.#paused
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.abort(toError(this.request.signal?.reason))
  }

  pause(): void {
    if (this.phase === Phase.Done) return
    this.#paused = true
    this.connection?.socket.pause()
  }

  resume(): void {
    const paused = this.#paused
    this.#paused = false
    if (this.phase === Phase.Done || !paused) return
    this.connection?.socket.resume()
    this.#arm()
  }

  abort(reason: Error): void {
    if (this.phase === Phase.Done) return
    if (this.connection !== undefined) {
      this.connection.destroy(reason)
      return
    }
    this.#pool.dequeue(this)
    this.fail(reason)
  }

  /** Written on `connection`. */
  sent(connection: Connection, connected: boolean): void {
    this.connection = connection
    this.phase = Phase.Sent
    if (connected) this.startHeadersTimeout()
  }

  /** The connection is up: the headers timeout starts (connecting has its own). */
  startHeadersTimeout(): void {
    const ms = this.request.timeoutMs
    if (ms === null) return
    if (ms < COARSE_FROM_MS) {
      this.#timer = setTimeout(() => this.#timeout(), ms)
      this.#timer.unref()
    } else {
      ensureSweeper()
      this.#arm()
    }
  }

  head(head: ResponseHead): void {
    this.phase = Phase.Body
    this.body = new ResponseBody(this)
    this.#arm()
    this.#resolve({ statusCode: head.statusCode, headers: head.headers, body: this.body })
  }

  data(chunk: Buffer): void {
    this.#arm()
    this.body!.push(chunk)
  }

  end(): void {
    this.#settle()
    this.body!.end()
  }

  fail(error: Error): void {
    const phase = this.phase
    if (phase === Phase.Done) return
    this.#settle()
    if (phase === Phase.Body) this.body!.fail(error)
    else this.#reject(error)
  }

  checkDeadline(now: number): void {
    if (this.#timer === undefined && this.request.timeoutMs !== null && !this.#paused && now >= this.deadline)
      this.#timeout()
  }

  #timeout(): void {
    if (this.phase === Phase.Done || this.#paused) return
    const error =
      this.phase === Phase.Body
        ? new TransportError('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error')
        : new TransportError('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error')
    this.abort(error)
  }

  /** A wait starts (or starts again): headers, or the next body chunk. */
  #arm(): void {
    if (this.#timer !== undefined) this.#timer.refresh()
    else if (this.request.timeoutMs !== null) this.deadline = coarseNow + this.request.timeoutMs + SWEEP_MS
  }

  #settle(): void {
    this.phase = Phase.Done
    this.#paused = false
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.request.signal?.removeEventListener('abort', this)
    this.#transport.settled()
  }
}

/** One keep-alive connection; the parser's listener, passing its events to the current exchange. */
class Connection implements ResponseEvents {
  readonly socket: Socket
  readonly parser = new ResponseParser()
  readonly #pool: OriginPool
  exchange: Exchange | undefined
  /** Coarse time it went idle. */
  idleSince = 0
  #destroyed = false
  #connected = false
  /** Idle connections do not keep the process alive (as undici's). */
  #unrefed = false
  #connectTimer: NodeJS.Timeout | undefined

  constructor(pool: OriginPool, origin: H1Origin, connectTimeoutMs: number) {
    this.#pool = pool
    const socket = origin.tls
      ? tlsConnect({
          host: origin.host,
          port: origin.port,
          ALPNProtocols: ['http/1.1'],
          ...(isIpAddress(origin.host) ? {} : { servername: origin.host }),
        })
      : netConnect({ host: origin.host, port: origin.port })
    this.socket = socket
    socket.setNoDelay(true)
    this.#connectTimer = setTimeout(() => {
      this.destroy(
        new TransportError(
          'UND_ERR_CONNECT_TIMEOUT',
          `Connect Timeout Error (attempted address: ${origin.host}:${origin.port}, timeout: ${connectTimeoutMs}ms)`,
        ),
      )
    }, connectTimeoutMs)
    this.#connectTimer.unref()
    socket.once(origin.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(this.#connectTimer)
      this.#connected = true
      socket.setKeepAlive(true, 60_000)
      this.exchange?.startHeadersTimeout()
    })
    socket.on('data', (chunk: Buffer) => {
      try {
        this.parser.feed(chunk)
      } catch (error) {
        this.destroy(error as Error)
      }
    })
    socket.on('end', () => {
      if (!this.parser.eof()) this.destroy(otherSideClosed())
    })
    socket.on('error', (error) => this.destroy(error))
    socket.on('close', () => this.destroy(otherSideClosed()))
  }

  get destroyed(): boolean {
    return this.#destroyed
  }

  /** Idle past the server's keep-alive hint (less a margin) or the default: not worth the race. */
  expired(now: number): boolean {
    const hint = this.parser.keepAliveHintMs
    const keepAlive =
      hint === undefined ? DEFAULT_KEEP_ALIVE_MS : Math.min(hint - KEEP_ALIVE_THRESHOLD_MS, MAX_KEEP_ALIVE_MS)
    return now - this.idleSince >= keepAlive
  }

  send(exchange: Exchange): void {
    if (this.#unrefed) {
      this.#unrefed = false
      this.socket.ref()
    }
    this.exchange = exchange
    const { head, body, noBody } = exchange.request
    this.parser.start(this, noBody)
    exchange.sent(this, this.#connected)
    if (body === null || body.length === 0) this.socket.write(head)
    else if (body.length < 16 * 1024) this.socket.write(Buffer.concat([head, body]))
    else {
      this.socket.cork()
      this.socket.write(head)
      this.socket.write(body)
      this.socket.uncork()
    }
  }

  onHead(head: ResponseHead): void {
    this.exchange?.head(head)
  }

  onBody(chunk: Buffer): void {
    this.exchange?.data(chunk)
  }

  onEnd(reusable: boolean): void {
    const exchange = this.exchange
    this.exchange = undefined
    exchange?.end()
    if (this.#destroyed) return
    if (!reusable || exchange === undefined || exchange.request.close) {
      this.destroy()
      return
    }
    if (this.socket.isPaused()) this.socket.resume() // paused for a large body that has now ended
    this.#pool.release(this)
    if (this.exchange === undefined && !this.#destroyed) {
      this.#unrefed = true
      this.socket.unref()
    }
  }

  /** Closes the socket; the exchange on it, if any, fails with `error`. Idempotent. */
  destroy(error?: Error): void {
    if (this.#destroyed) return
    this.#destroyed = true
    clearTimeout(this.#connectTimer)
    this.socket.destroy()
    const exchange = this.exchange
    this.exchange = undefined
    exchange?.fail(error ?? otherSideClosed())
    this.#pool.removed(this)
  }
}

/** The connections to one origin: idle ones (most recent last), a limit, and requests waiting for one. */
class OriginPool {
  readonly #origin: H1Origin
  readonly #limit: number
  readonly #connectTimeoutMs: number
  readonly idle: Connection[] = []
  /** Every open connection (busy or idle), for the sweep; changes per connection, not per request. */
  readonly #all = new Set<Connection>()
  readonly #queue: Exchange[] = []
  #open = 0
  #closed = false

  constructor(origin: H1Origin, limit: number, connectTimeoutMs: number) {
    this.#origin = origin
    this.#limit = limit
    this.#connectTimeoutMs = connectTimeoutMs
  }

  get open(): number {
    return this.#open
  }

  dispatch(exchange: Exchange): void {
    for (let c = this.idle.pop(); c !== undefined; c = this.idle.pop()) {
      if (!c.destroyed && !c.expired(coarseNow)) {
        c.send(exchange)
        return
      }
      c.destroy()
    }
    if (this.#open < this.#limit) {
      this.#connect().send(exchange)
      return
    }
    this.#queue.push(exchange)
  }

  /** A waiting request gave up (aborted) before it got a connection. */
  dequeue(exchange: Exchange): void {
    const at = this.#queue.indexOf(exchange)
    if (at !== -1) this.#queue.splice(at, 1)
  }

  release(connection: Connection): void {
    if (this.#closed) {
      connection.destroy()
      return
    }
    const next = this.#nextQueued()
    if (next !== undefined) {
      connection.send(next)
      return
    }
    connection.idleSince = coarseNow
    this.idle.push(connection)
  }

  removed(connection: Connection): void {
    this.#open--
    this.#all.delete(connection)
    if (this.#all.size === 0) sweptPools.delete(this)
    const at = this.idle.indexOf(connection)
    if (at !== -1) this.idle.splice(at, 1)
    const next = this.#open < this.#limit ? this.#nextQueued() : undefined
    if (next !== undefined) this.#connect().send(next)
  }

  /** Times out requests past their deadline and closes connections idle past their keep-alive. */
  sweep(now: number): void {
    for (const connection of this.#all) connection.exchange?.checkDeadline(now)
    // Oldest first; destroy() takes each out of the list.
    while (this.idle.length > 0 && this.idle[0]!.expired(now)) this.idle[0]!.destroy()
  }

  /** Closes the idle connections now, and each busy one as its request ends. */
  close(): void {
    this.#closed = true
    for (const connection of [...this.idle]) connection.destroy()
  }

  #nextQueued(): Exchange | undefined {
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
      if (next.phase === Phase.Queued) return next
    }
    return undefined
  }

  #connect(): Connection {
    this.#open++
    const connection = new Connection(this, this.#origin, this.#connectTimeoutMs)
    this.#all.add(connection)
    ensureSweeper()
    sweptPools.add(this)
    return connection
  }
}

export interface H1TransportOptions {
  /** Connections per origin; default unlimited. */
  connections?: number
  connectTimeoutMs: number
}

export class H1Transport {
  readonly #pools = new Map<string, OriginPool>()
  readonly #limit: number
  readonly #connectTimeoutMs: number
  /** Requests not yet settled (queued, sent or reading their body). */
  #active = 0
  #closing: (() => void) | undefined
  #closed = false

  constructor(options: H1TransportOptions) {
    this.#limit =
      options.connections && options.connections > 0 ? options.connections : Number.POSITIVE_INFINITY
    this.#connectTimeoutMs = options.connectTimeoutMs
  }

  /** Resolves at the response headers (any status); the body streams into the response's ResponseBody. */
  request(origin: H1Origin, request: H1Request): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      if (this.#closed) {
        reject(new TransportError('UND_ERR_CLOSED', 'The client is closed'))
        return
      }
      if (request.signal?.aborted) {
        reject(toError(request.signal.reason))
        return
      }
      let pool = this.#pools.get(origin.origin)
      if (pool === undefined) {
        pool = new OriginPool(origin, this.#limit, this.#connectTimeoutMs)
        this.#pools.set(origin.origin, pool)
      }
      this.#active++
      pool.dispatch(new Exchange(this, pool, request, resolve, reject))
    })
  }

  /** Open connections to `origin` (for tests). */
  connections(origin: string): number {
    return this.#pools.get(origin)?.open ?? 0
  }

  /** Called by each exchange as it settles. */
  settled(): void {
    this.#active--
    if (this.#active === 0 && this.#closing !== undefined) this.#closing()
  }

  /** Like undici's close(): new requests fail, requests under way finish, and every connection closes. */
  close(): Promise<void> {
    this.#closed = true
    for (const pool of this.#pools.values()) pool.close()
    return new Promise<void>((resolve) => {
      if (this.#active === 0) resolve()
      else this.#closing = resolve
    })
  }
}

function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'))
}
