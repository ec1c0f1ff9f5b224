// An HTTP client. By default each client owns its connections, so each runner opens its own TCP
// connections and load spreads over the replicas behind a load balancer (coder/coder#21288); those
// requests go over the lean HTTP/1.1 transport of h1-transport.ts (why: see there). Give it a shared
// undici dispatcher (SharedHttpPool) for high fan-out pollers instead (bounded connections): then
// requests go through undici's dispatch(). `dispatcher` and fetch() are undici either way (for SDKs
// and the Coder client); a client's own Agent is made on first use of either.

import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici'

import { HttpRequestError, HttpStatusError } from '../errors.ts'
import { encodeHead, type H1Origin, H1Transport } from './h1-transport.ts'
import { redactSecrets, redactUrl } from './redact.ts'
import { dispatchRequest, type HttpResponse } from './response.ts'
import {
  backoffDelay,
  DEFAULT_RETRY,
  isIdempotent,
  networkErrorCode,
  type RetryPolicy,
  sleepUnlessAborted,
} from './retry.ts'

export const SESSION_TOKEN_HEADER = 'Coder-Session-Token'
export const BYPASS_RATELIMIT_HEADER = 'X-Coder-Bypass-Ratelimit'

export interface HttpClientOptions {
  /** Resolves relative request paths, e.g. http://127.0.0.1:3000. */
  baseUrl?: string | URL
  /** Sent with every request, e.g. { 'X-Coder-Bypass-Ratelimit': 'true' }. */
  headers?: Record<string, string>
  /** Sent as Coder-Session-Token and redacted from every error. */
  sessionToken?: string
  /** Other strings to keep out of errors (passwords, API keys). */
  secrets?: readonly string[]
  /** Per-request time limit until the response headers arrive, and between body chunks. 0 = none. Default 30 s. */
  timeoutMs?: number
  /** Retries for idempotent requests on network errors and timeouts; false disables them. */
  retry?: Partial<RetryPolicy> | false
  /** Use this dispatcher (e.g. a SharedHttpPool's) instead of creating one; close() leaves it open. */
  dispatcher?: Dispatcher
  /** Connection limit per origin of the client's own dispatcher. Default: unlimited. */
  connections?: number
  /** Told about each retry (already redacted). */
  onRetry?: (message: string) => void
}

export interface HttpRequestOptions {
  method?: string
  headers?: Record<string, string>
  query?: Record<string, string | number | boolean>
  body?: string | Uint8Array
  /** Serialised as the JSON body, with content-type application/json. */
  json?: unknown
  signal?: AbortSignal
  timeoutMs?: number
  retry?: Partial<RetryPolicy> | false
  /** Allow retries of a non-idempotent method (e.g. a POST with an idempotency key). */
  idempotent?: boolean
}

const EMPTY_OPTIONS: HttpRequestOptions = Object.freeze({})

/** A resolved request URL with the origin and path a request goes to, computed once. */
interface Target {
  url: URL
  origin: string
  path: string
  h1: H1Origin
  hostHeader: string
  /** Encoded heads of requests with the default headers and no body, by method. */
  heads: Map<string, Buffer> | undefined
}
const URL_CACHE_SIZE = 256
/** undici's default connect timeout, for clients without a request timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])

/** undici's own headers/body/connect timeout (the client's per-request time limit). */
function isTimeout(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && TIMEOUT_CODES.has(code)
}

export class HttpClient {
  #dispatcher: Dispatcher | undefined
  /** Own connections (no dispatcher given). */
  readonly #transport: H1Transport | undefined
  readonly #ownsDispatcher: boolean
  readonly #options: HttpClientOptions
  readonly #secrets: string[]
  /** Default headers, lowercased once; sent as is when a request adds none (undici does not mutate them). */
  readonly #baseHeaders: Record<string, string>
  readonly #defaultPolicy: RetryPolicy
  /** Resolved targets of plain paths (no query), so a closed loop on '/' parses it once. */
  readonly #targets = new Map<string, Target>()
  #closed = false

  constructor(options: HttpClientOptions = {}) {
    this.#options = options
    this.#ownsDispatcher = options.dispatcher === undefined
    this.#dispatcher = options.dispatcher
    const timeoutMs = options.timeoutMs ?? 30_000
    if (options.dispatcher === undefined) {
      this.#transport = new H1Transport({
        ...(options.connections ? { connections: options.connections } : {}),
        connectTimeoutMs: timeoutMs > 0 ? timeoutMs : DEFAULT_CONNECT_TIMEOUT_MS,
      })
    }
    this.#secrets = [...(options.sessionToken ? [options.sessionToken] : []), ...(options.secrets ?? [])]
    this.#baseHeaders = this.#headers()
    this.#defaultPolicy = this.#retryPolicy(undefined)
  }

  /** The undici dispatcher of this client: the one it was given, or its own Agent made on first use. */
  get dispatcher(): Dispatcher {
    if (this.#dispatcher === undefined) {
      const timeoutMs = this.#options.timeoutMs ?? 30_000
      this.#dispatcher = new Agent({
        ...(this.#options.connections ? { connections: this.#options.connections } : {}),
        ...(timeoutMs > 0 ? { connectTimeout: timeoutMs } : {}),
      })
    }
    return this.#dispatcher
  }

  /**
   * Sends one request; retried on network errors if idempotent. Any status is a response, not an error.
   * Hot path: the timeout is the transport's own (connect, headers and body timeouts), so a request
   * allocates no AbortController or AbortSignal.any chain; only the caller's signal, if any, is passed
   * on. Origin and path are resolved once per path, the request head of a plain request is encoded
   * once, and the response body is a light ResponseBody rather than a stream (see response.ts).
   */
  async request(path: string | URL, options: HttpRequestOptions = EMPTY_OPTIONS): Promise<HttpResponse> {
    const method = options.method === undefined ? 'GET' : options.method.toUpperCase()
    const target = this.#target(path, options.query)
    const url = target.url
    let headers = options.headers === undefined ? this.#baseHeaders : this.#headers(options.headers)
    let body = options.body
    if (options.json !== undefined) {
      body = JSON.stringify(options.json)
      if (headers === this.#baseHeaders) headers = { ...headers }
      headers['content-type'] ??= 'application/json'
    }
    const policy = options.retry === undefined ? this.#defaultPolicy : this.#retryPolicy(options.retry)
    const retryable = options.idempotent ?? isIdempotent(method)
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? 30_000
    const timeout = timeoutMs > 0 ? timeoutMs : null
    const signal = options.signal ?? null
    const transport = this.#transport
    let payload: Buffer | null | undefined
    let head: Buffer | undefined
    for (let attempt = 1; ; attempt++) {
      try {
        if (transport === undefined) {
          return await dispatchRequest(
            this.#dispatcher!,
            {
              origin: target.origin,
              path: target.path,
              method: method as Dispatcher.HttpMethod,
              headers,
              body: body ?? null,
              headersTimeout: timeout,
              bodyTimeout: timeout,
            },
            signal,
          )
        }
        payload ??= toPayload(body)
        head ??= this.#head(target, method, headers, payload)
        return await transport.request(target.h1, {
          head,
          body: payload,
          noBody: method === 'HEAD',
          close: method === 'HEAD' || headers.connection?.toLowerCase() === 'close',
          timeoutMs: timeout,
          signal,
        })
      } catch (err) {
        if (signal?.aborted) throw this.#error('SCALETEST_HTTP_ABORTED', method, url, attempt, err)
        const timedOut = timeout !== null && isTimeout(err)
        const code = timedOut ? 'timeout' : networkErrorCode(err)
        const kind = timedOut ? 'SCALETEST_HTTP_TIMEOUT' : 'SCALETEST_HTTP_NETWORK'
        if (code === undefined || !retryable || attempt > policy.retries) {
          throw this.#error(kind, method, url, attempt, err, timedOut ? timeoutMs : undefined)
        }
        const delay = backoffDelay(policy, attempt)
        this.#options.onRetry?.(
          `${method} ${redactUrl(url)}: ${code} on attempt ${attempt}; retrying in ${Math.round(delay)}ms`,
        )
        if (!(await sleepUnlessAborted(delay, options.signal))) {
          throw this.#error('SCALETEST_HTTP_ABORTED', method, url, attempt, err)
        }
      }
    }
  }

  /** request() and parse the body as JSON; a non-2xx status throws with the (redacted) body text. */
  async json<T = unknown>(path: string | URL, options: HttpRequestOptions = {}): Promise<T> {
    const res = await this.request(path, options)
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = redactSecrets((await res.body.text()).slice(0, 500), this.#secrets)
      const method = (options.method ?? 'GET').toUpperCase()
      const url = redactUrl(this.#url(path, options.query))
      throw new HttpStatusError(`${method} ${url}: status ${res.statusCode}: ${text}`, {
        status: res.statusCode,
        method,
        url,
      })
    }
    return (await res.body.json()) as T
  }

  /**
   * WHATWG fetch over this client's dispatcher and default headers (for SDKs that take `fetch`).
   * No retries and no default timeout here: pass `init.signal`.
   */
  readonly fetch = (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers)
    for (const [name, value] of Object.entries(this.#headers()))
      if (!headers.has(name)) headers.set(name, value)
    const url = typeof input === 'string' || input instanceof URL ? this.#url(input) : input
    return undiciFetch(url, {
      ...(init as object),
      headers,
      dispatcher: this.dispatcher,
    } as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>
  }

  /** Closes the client's own connections; a shared dispatcher is left to its owner. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.all([
      this.#transport?.close(),
      this.#ownsDispatcher && this.#dispatcher !== undefined ? this.#dispatcher.close() : undefined,
    ])
  }

  /** The encoded request head; cached on the target for requests with the default headers and no body. */
  #head(target: Target, method: string, headers: Record<string, string>, payload: Buffer | null): Buffer {
    const plain = headers === this.#baseHeaders && payload === null
    const cached = plain ? target.heads?.get(method) : undefined
    if (cached !== undefined) return cached
    const head = encodeHead(method, target.path, target.hostHeader, headers, payload?.length ?? null)
    if (plain) {
      target.heads ??= new Map()
      target.heads.set(method, head)
    }
    return head
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #target(path: string | URL, query?: HttpRequestOptions['query']): Target {
    if (query === undefined && typeof path === 'string') {
      let cached = this.#targets.get(path)
      if (cached === undefined) {
        cached = toTarget(this.#url(path))
        if (this.#targets.size >= URL_CACHE_SIZE) this.#targets.clear()
        this.#targets.set(path, cached)
      }
      return cached
    }
    return toTarget(this.#url(path, query))
  }

  #url(path: string | URL, query?: HttpRequestOptions['query']): URL {
    const url = new URL(path, this.#options.baseUrl)
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, String(value))
    return url
  }

  #headers(extra?: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries({ ...this.#options.headers, ...extra })) {
      headers[name.toLowerCase()] = value
    }
    if (this.#options.sessionToken) headers[SESSION_TOKEN_HEADER.toLowerCase()] ??= this.#options.sessionToken
    return headers
  }

  #retryPolicy(override: HttpRequestOptions['retry']): RetryPolicy {
    const base = this.#options.retry
    if (override === false || (override === undefined && base === false))
      return { ...DEFAULT_RETRY, retries: 0 }
    return { ...DEFAULT_RETRY, ...(base || {}), ...(override || {}) }
  }

  #error(
    kind: 'SCALETEST_HTTP_NETWORK' | 'SCALETEST_HTTP_TIMEOUT' | 'SCALETEST_HTTP_ABORTED',
    method: string,
    url: URL,
    attempts: number,
    err: unknown,
    timeoutMs?: number,
  ): HttpRequestError {
    const safeUrl = redactUrl(url)
    const code = networkErrorCode(err) ?? (err as { code?: string }).code
    const reason =
      kind === 'SCALETEST_HTTP_TIMEOUT'
        ? `no response within ${timeoutMs}ms`
        : `${code ? `${code}: ` : ''}${err instanceof Error ? err.message : String(err)}`
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`
    // The cause is dropped on purpose: undici errors can carry request options, headers included.
    const message = redactSecrets(`${method} ${safeUrl} failed after ${tries}: ${reason}`, this.#secrets)
    return new HttpRequestError(kind, message, { method, url: safeUrl, attempts, errorCode: code })
  }
}

function toTarget(url: URL): Target {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`${redactUrl(url)}: only http: and https: URLs can be requested`)
  }
  const tls = url.protocol === 'https:'
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  return {
    url,
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    h1: { origin: url.origin, host, port: Number(url.port) || (tls ? 443 : 80), tls },
    hostHeader: url.host,
    heads: undefined,
  }
}

function toPayload(body: string | Uint8Array | undefined): Buffer | null {
  if (body === undefined) return null
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
}
