// AI Bridge: an authenticated proxy in front of OpenAI and Anthropic. Paths and auth follow
// enterprise/coderd/aibridge.go (aiBridgeRoutes: /api/v2/aibridge and /api/v2/ai-gateway) and
// enterprise/x/aibridged/http.go (ServeHTTP, ExtractAuthToken); every request is recorded as an
// interception (codersdk/aibridge.go) and listed by GET /api/v2/aibridge/interceptions.

import { Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

import { Agent, type Dispatcher, request } from 'undici'

import { ApiError } from '../http/api-error.ts'
import { readBody } from '../http/body.ts'
import { sendJson } from '../http/respond.ts'
import type { Ctx, SimRoute } from '../sim.ts'
import { AnswerObserver, type BridgeApi, lastUserPrompt } from './observe.ts'
import { applyObserved, type BridgeProvider, type InterceptionRecord, InterceptionStore } from './store.ts'

export interface AiBridgeOptions {
  /** CODER_AIBRIDGE_OPENAI_BASE_URL (Coder's default https://api.openai.com/v1/). */
  openaiBaseUrl?: string | undefined
  /** CODER_AIBRIDGE_OPENAI_KEY: sent upstream as `Authorization: Bearer`. */
  openaiKey?: string | undefined
  /** CODER_AIBRIDGE_ANTHROPIC_BASE_URL (Coder's default https://api.anthropic.com/). */
  anthropicBaseUrl?: string | undefined
  /** CODER_AIBRIDGE_ANTHROPIC_KEY: sent upstream as `x-api-key`. */
  anthropicKey?: string | undefined
  /** Interceptions kept in memory, the oldest dropped first (default 100,000). */
  maxInterceptions?: number | undefined
}

const ROOTS = ['/api/v2/aibridge', '/api/v2/ai-gateway']
const ENDPOINTS: { path: string; provider: BridgeProvider; api: BridgeApi; upstreamPath: string }[] = [
  {
    path: '/openai/v1/chat/completions',
    provider: 'openai',
    api: 'chat_completions',
    upstreamPath: '/chat/completions',
  },
  { path: '/openai/v1/responses', provider: 'openai', api: 'responses', upstreamPath: '/responses' },
  { path: '/anthropic/v1/messages', provider: 'anthropic', api: 'messages', upstreamPath: '/v1/messages' },
]
// Request headers a provider SDK sends that mean something upstream. Credentials (Authorization,
// X-Api-Key, cookies, Coder-Session-Token) are the caller's Coder token and never leave the bridge.
// x-scaletest-fault is the LLM mock's fault switch, passed so a test can break one request.
const FORWARD_REQUEST = [
  'accept',
  'user-agent',
  'anthropic-version',
  'anthropic-beta',
  'openai-beta',
  'x-scaletest-fault',
]
const FORWARD_RESPONSE = ['content-type', 'cache-control', 'retry-after', 'x-request-id', 'request-id']
const BODY_LIMIT = 64 * 1024 * 1024
// A non-streamed answer is also kept (up to this size) to read its usage once it has passed.
const OBSERVE_LIMIT = 16 * 1024 * 1024

export class AiBridge {
  readonly interceptions: InterceptionStore
  readonly #options: AiBridgeOptions
  readonly #agent: Dispatcher

  constructor(options: AiBridgeOptions = {}) {
    this.#options = options
    this.interceptions = new InterceptionStore(options.maxInterceptions)
    // Its own pool: thousands of concurrent bridged streams to one upstream.
    this.#agent = new Agent({
      connections: 1024,
      keepAliveTimeout: 30_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    })
  }

  close(): Promise<void> {
    return this.#agent.destroy()
  }

  routes(): SimRoute[] {
    const routes: SimRoute[] = []
    for (const root of ROOTS)
      for (const endpoint of ENDPOINTS)
        routes.push({
          method: 'POST',
          pattern: `${root}${endpoint.path}`,
          // aibridged authenticates by itself (plain-text 400/403), not with coderd's API key middleware.
          public: true,
          handler: (ctx) => this.#proxy(ctx, endpoint),
        })
    // enterprise/coderd/aibridge.go aiBridgeListInterceptions
    routes.push({
      method: 'GET',
      pattern: '/api/v2/aibridge/interceptions',
      handler: (ctx) => sendJson(ctx.res, 200, this.interceptions.list(ctx.sim.state, ctx.user, ctx.url)),
    })
    return routes
  }

  async #proxy(ctx: Ctx, endpoint: (typeof ENDPOINTS)[number]): Promise<void> {
    const { req, res } = ctx
    const key = extractAuthToken(req.headers)
    if (key === '') return plainError(res, 400, 'no authentication key provided')
    // aibridgedserver IsAuthorized: a known, unexpired key of an active user.
    const token = ctx.sim.state.tokens.get(key)
    const user = token && token.expiresAt > Date.now() ? ctx.sim.state.users.get(token.userId) : undefined
    if (!token || !user || user.status === 'suspended') return plainError(res, 403, 'unauthorized')

    const base = endpoint.provider === 'openai' ? this.#options.openaiBaseUrl : this.#options.anthropicBaseUrl
    if (!base)
      return providerError(
        res,
        endpoint.provider,
        503,
        `no upstream for ${endpoint.provider}: set CODER_AIBRIDGE_${endpoint.provider.toUpperCase()}_BASE_URL`,
      )
    let raw: Buffer
    // biome-ignore lint/suspicious/noExplicitAny: the request body is the provider's, read field by field
    let body: any
    try {
      raw = await readBody(req, BODY_LIMIT)
      body = JSON.parse(raw.toString('utf8'))
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new Error('expected a JSON object')
    } catch (error) {
      return providerError(
        res,
        endpoint.provider,
        error instanceof ApiError ? error.status : 400, // 413 past the body limit
        `failed to parse request: ${(error as Error).message}`,
      )
    }
    const streaming = body.stream === true
    const record = this.interceptions.begin({
      apiKeyId: token.id,
      initiatorId: user.id,
      provider: endpoint.provider,
      model: typeof body.model === 'string' ? body.model : '',
      client: null,
      metadata: { api: endpoint.api, streaming },
    })
    const prompt = lastUserPrompt(endpoint.api, body)
    // Without it a streamed chat completion carries no usage to record (inferred from aibridge).
    let payload: Buffer = raw
    if (endpoint.api === 'chat_completions' && streaming && body.stream_options?.include_usage !== true) {
      body.stream_options = { ...body.stream_options, include_usage: true }
      payload = Buffer.from(JSON.stringify(body))
    }

    const headers: Record<string, string> = { 'content-type': 'application/json' }
    for (const name of FORWARD_REQUEST) {
      const value = req.headers[name]
      if (typeof value === 'string') headers[name] = value
    }
    if (endpoint.provider === 'openai' && this.#options.openaiKey)
      headers.authorization = `Bearer ${this.#options.openaiKey}`
    if (endpoint.provider === 'anthropic' && this.#options.anthropicKey)
      headers['x-api-key'] = this.#options.anthropicKey

    const abort = new AbortController()
    const onClose = () => abort.abort()
    res.once('close', onClose)
    const started = performance.now()
    let upstream: Dispatcher.ResponseData
    try {
      upstream = await request(`${base.replace(/\/+$/, '')}${endpoint.upstreamPath}`, {
        method: 'POST',
        headers,
        body: payload,
        signal: abort.signal,
        dispatcher: this.#agent,
      })
    } catch (error) {
      res.off('close', onClose)
      finish(record, 502, started)
      if (abort.signal.aborted) return
      return providerError(res, endpoint.provider, 502, `upstream unreachable: ${(error as Error).message}`)
    }
    record.timings.firstByteMs = performance.now() - started
    record.status = upstream.statusCode

    const out: Record<string, string> = { 'x-coder-aibridge-interception-id': record.id }
    for (const name of FORWARD_RESPONSE) {
      const value = upstream.headers[name]
      if (typeof value === 'string') out[name] = value
    }
    res.writeHead(upstream.statusCode, out)
    const observer = new AnswerObserver(endpoint.api)
    const sse = String(upstream.headers['content-type'] ?? '').includes('text/event-stream')
    const kept: Buffer[] = []
    let keptBytes = 0
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (sse) observer.stream(chunk)
        else if (keptBytes + chunk.length <= OBSERVE_LIMIT) {
          kept.push(chunk)
          keptBytes += chunk.length
        }
        done(null, chunk)
      },
    })
    try {
      if (res instanceof Writable) await pipeline(upstream.body, tap, res)
      else await relay(upstream.body.pipe(tap), res) // the fetch adapter (msw) is not a stream
    } catch {
      // The client left or the upstream broke off: the caller sees the stream end as it did.
      res.destroy()
    } finally {
      res.off('close', onClose)
      if (sse) observer.end()
      else observer.json(Buffer.concat(kept).toString('utf8'))
      finish(record, upstream.statusCode, started)
      if (upstream.statusCode >= 200 && upstream.statusCode < 300)
        applyObserved(record, observer.result, prompt)
    }
  }
}

/** Chunk by chunk into a writer without stream plumbing (the msw fetch adapter's ResponseCollector). */
async function relay(source: AsyncIterable<Buffer>, res: Ctx['res']): Promise<void> {
  for await (const chunk of source) res.write(chunk)
  res.end()
}

function finish(record: InterceptionRecord, status: number, started: number): void {
  record.status = status
  record.endedAt = new Date().toISOString()
  record.timings.totalMs = performance.now() - started
}

/** aibridged ExtractAuthToken: `Authorization: Bearer <key>` first, then `X-Api-Key`. */
export function extractAuthToken(headers: Record<string, string | string[] | undefined>): string {
  const auth = typeof headers.authorization === 'string' ? headers.authorization.trim() : ''
  if (auth !== '') {
    const fields = auth.split(/\s+/)
    if (fields.length === 2 && fields[0]!.toLowerCase() === 'bearer') return fields[1]!
  }
  const apiKey = headers['x-api-key']
  return typeof apiKey === 'string' ? apiKey.trim() : ''
}

// Go's http.Error: text/plain, nosniff, the message and a newline.
function plainError(res: Ctx['res'], status: number, message: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  })
  res.end(`${message}\n`)
}

/** An error the bridge itself answers, in the provider's own error shape. */
function providerError(res: Ctx['res'], provider: BridgeProvider, status: number, message: string): void {
  const body =
    provider === 'openai'
      ? {
          error: {
            message,
            type: status >= 500 ? 'server_error' : 'invalid_request_error',
            param: null,
            code: null,
          },
        }
      : { type: 'error', error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message } }
  sendJson(res, status, body)
}
