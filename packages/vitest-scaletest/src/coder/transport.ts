import { type Dispatcher, request } from 'undici'
import type { z } from 'zod'

import { BYPASS_RATELIMIT_HEADER, SESSION_TOKEN_HEADER } from '../http/http-client.ts'
import { CoderApiError, CoderRequestError, CoderResponseShapeError } from './errors.ts'
import { errorBodySchema } from './schemas.ts'

export interface TransportOptions {
  /** Deployment URL, e.g. http://127.0.0.1:3000 (a trailing path prefix is kept). */
  url: string | URL
  sessionToken?: string
  /** undici dispatcher for every request; defaults to undici's global one. */
  dispatcher?: Dispatcher
  /** Extra headers sent on every request (and websocket dial). */
  headers?: Record<string, string>
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number
  /** Send `X-Coder-Bypass-Ratelimit: true` (owner only; Coder answers 428 to anyone else). */
  bypassRateLimit?: boolean
}

export type Query = Record<string, string | number | boolean | undefined>

export interface SendOptions {
  query?: Query
  /** JSON body; serialised and sent with `Content-Type: application/json`. */
  json?: unknown
  /** Raw body with its content type (file upload). */
  raw?: { body: Uint8Array; contentType: string }
  /** Statuses that count as success; any other status becomes a CoderApiError. Default: 2xx. */
  ok?: number[]
  signal?: AbortSignal
  /** Send without the session token (first user, login, build info). */
  anonymous?: boolean
}

export interface RawResponse {
  status: number
  endpoint: string
  /** Parsed JSON body, or undefined for an empty body. */
  body: unknown
}

/** HTTP core shared by the client's methods: auth header, timeouts, error and shape mapping. */
export class CoderTransport {
  readonly baseUrl: URL
  readonly dispatcher: Dispatcher | undefined
  readonly #sessionToken: string | undefined
  readonly #headers: Record<string, string>
  readonly #timeoutMs: number
  readonly #options: TransportOptions

  constructor(options: TransportOptions) {
    const base = new URL(String(options.url))
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError(`CoderClient url must be http(s), got '${base.protocol}'`)
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/'
    base.search = ''
    this.baseUrl = base
    this.dispatcher = options.dispatcher
    this.#sessionToken = options.sessionToken || undefined
    this.#timeoutMs = options.timeoutMs ?? 30_000
    this.#headers = { ...options.headers }
    if (options.bypassRateLimit) this.#headers[BYPASS_RATELIMIT_HEADER] = 'true'
    this.#options = options
  }

  get hasSessionToken(): boolean {
    return this.#sessionToken !== undefined
  }

  /** Same options with another token (and optionally another dispatcher). */
  derive(sessionToken: string | undefined, dispatcher: Dispatcher | undefined): CoderTransport {
    return new CoderTransport({ ...this.#options, sessionToken, dispatcher })
  }

  /** The same identity and headers over another dispatcher. */
  withDispatcher(dispatcher: Dispatcher | undefined): CoderTransport {
    return new CoderTransport({ ...this.#options, dispatcher })
  }

  /** Absolute URL for an API path such as `/api/v2/users/me`. */
  url(path: string, query?: Query): URL {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl)
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value))
    }
    return url
  }

  /** Headers for a request or a websocket dial, with the session token when there is one. */
  headers(anonymous = false): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.#headers }
    if (!anonymous && this.#sessionToken) headers[SESSION_TOKEN_HEADER] = this.#sessionToken
    return headers
  }

  /** Replaces any occurrence of the session token in text that may reach a log. */
  redact(text: string): string {
    return this.#sessionToken ? text.replaceAll(this.#sessionToken, '[redacted]') : text
  }

  async send(method: string, path: string, options: SendOptions = {}): Promise<RawResponse> {
    const url = this.url(path, options.query)
    const endpoint = `${method} ${url.pathname}${url.search}`
    const headers = this.headers(options.anonymous)
    let body: string | Uint8Array | undefined
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.json)
    } else if (options.raw) {
      headers['content-type'] = options.raw.contentType
      body = options.raw.body
    }
    const timeout = AbortSignal.timeout(this.#timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    let response: Dispatcher.ResponseData
    try {
      response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal,
        dispatcher: this.dispatcher,
      })
    } catch (error) {
      throw new CoderRequestError(method, `${url.pathname}${url.search}`, error)
    }
    const text = await response.body.text().catch((error: unknown) => {
      throw new CoderRequestError(method, `${url.pathname}${url.search}`, error)
    })
    const status = response.statusCode
    const ok = options.ok ? options.ok.includes(status) : status >= 200 && status < 300
    if (!ok) throw this.apiError(method, `${url.pathname}${url.search}`, status, text)
    return { status, endpoint, body: text === '' ? undefined : parseJson(endpoint, text) }
  }

  /** Sends and validates the JSON body against `schema`. */
  async json<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    options?: SendOptions,
  ): Promise<z.infer<S>> {
    const response = await this.send(method, path, options)
    return validate(schema, response.endpoint, response.body)
  }

  /** Builds a CoderApiError from a non-2xx status and its body. */
  apiError(method: string, path: string, status: number, text: string): CoderApiError {
    let parsed: z.infer<typeof errorBodySchema> | undefined
    try {
      const result = errorBodySchema.safeParse(JSON.parse(text))
      if (result.success) parsed = result.data
    } catch {
      // Not JSON (e.g. a proxy page or Coder's plain-text 428): use the text.
    }
    const message = parsed?.message ?? (text.trim().slice(0, 300) || `HTTP ${status}`)
    return new CoderApiError({
      method,
      path,
      status,
      message: this.redact(message),
      detail: parsed?.detail ? this.redact(parsed.detail) : undefined,
      validations: parsed?.validations ?? [],
    })
  }
}

function parseJson(endpoint: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new CoderResponseShapeError(endpoint, [{ field: '(root)', message: 'body is not JSON' }])
  }
}

/** Validates a decoded body (or stream frame), naming the endpoint and each bad field on failure. */
export function validate<S extends z.ZodType>(schema: S, endpoint: string, value: unknown): z.infer<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new CoderResponseShapeError(
    endpoint,
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
      message: issue.message,
    })),
  )
}
