// The mock's behaviour as a function from a request to an Outcome, shared by the node:http
// listener (the fast path, used by startLlmMock and the CLI) and the msw handlers.
import { randomBytes } from 'node:crypto'

import type { z } from 'zod'

import { messagesRenderer } from './anthropic-messages.ts'
import { chatConversation, messagesConversation, responsesConversation } from './conversation.ts'
import { errorBody, type Provider } from './errors.ts'
import { RequestJournal } from './journal.ts'
import { type Endpoint, LlmMockMetrics } from './metrics.ts'
import { chatRenderer } from './openai-chat.ts'
import { responsesRenderer } from './openai-responses.ts'
import { FAULT_MODES, type FaultMode, type LlmMockOptions, resolveLlmMockOptions } from './options.ts'
import { jsonOutcome, type Outcome, streamOutcome, wholeStreamOutcome } from './outcome.ts'
import type { Renderer } from './render.ts'
import { ControlBlockError, planReply } from './reply-plan.ts'
import {
  chatRequestSchema,
  describeIssues,
  messagesRequestSchema,
  responsesRequestSchema,
} from './schemas.ts'
import { answerServiceRoute } from './service-routes.ts'
import { countTokens } from './text.ts'

export interface MockRequest {
  method: string
  /** Path without the query string. */
  path: string
  /** Query string including '?', or ''. */
  search: string
  /** Lower-case header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>
  body: string | undefined
  /** The body exceeded maxBodyBytes and was not read. */
  bodyTooLarge?: boolean
}

export const FAULT_HEADER = 'x-scaletest-fault'

interface LlmRoute {
  provider: Provider
  // biome-ignore lint/suspicious/noExplicitAny: each route pairs its own schema and renderer
  schema: z.ZodType<any>
  // biome-ignore lint/suspicious/noExplicitAny: see above
  renderer: Renderer<any>
  // biome-ignore lint/suspicious/noExplicitAny: see above
  conversation: (body: any) => ReturnType<typeof chatConversation>
  maxTokens: (body: { max_tokens?: number | null; max_completion_tokens?: number | null }) => number | null
}

const LLM_ROUTES: Partial<Record<Endpoint, LlmRoute>> = {
  chat_completions: {
    provider: 'openai',
    schema: chatRequestSchema,
    renderer: chatRenderer,
    conversation: chatConversation,
    maxTokens: (b) => b.max_completion_tokens ?? b.max_tokens ?? null,
  },
  responses: {
    provider: 'openai',
    schema: responsesRequestSchema,
    renderer: responsesRenderer,
    conversation: responsesConversation,
    maxTokens: () => null,
  },
  messages: {
    provider: 'anthropic',
    schema: messagesRequestSchema,
    renderer: messagesRenderer,
    conversation: messagesConversation,
    maxTokens: (b) => b.max_tokens ?? null,
  },
}

const PATHS: Record<string, Endpoint> = {
  '/v1/chat/completions': 'chat_completions',
  '/v1/responses': 'responses',
  '/v1/messages': 'messages',
  '/v1/models': 'models',
  '/healthz': 'health',
  '/metrics': 'metrics',
  '/__admin/requests': 'admin',
}

/** Maps a request path to its endpoint; `/chat/completions` without `/v1` is accepted too. */
export function endpointOf(path: string): Endpoint {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
  return PATHS[trimmed] ?? PATHS[`/v1${trimmed}`] ?? 'unknown'
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

class RequestError extends Error {
  readonly status: number
  readonly headers: Record<string, string>
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.headers = headers
  }
}

export class LlmMockEngine {
  readonly options
  readonly journal
  readonly metrics = new LlmMockMetrics()
  readonly #random: () => number
  readonly #idPrefix = randomBytes(6).toString('hex')
  #idSeq = 0

  constructor(options: LlmMockOptions = {}) {
    this.options = resolveLlmMockOptions(options)
    this.journal = new RequestJournal(this.options.journalLimit)
    this.#random = this.options.seed === undefined ? Math.random : mulberry32(this.options.seed)
  }

  /** Answers LLM routes synchronously (the hot path); admin routes may need a promise. */
  handle(req: MockRequest): Outcome | Promise<Outcome> {
    const endpoint = endpointOf(req.path)
    const route = LLM_ROUTES[endpoint]
    if (route) return this.#llm(endpoint, route, req)
    return this.#handleOther(endpoint, req)
  }

  async #handleOther(endpoint: Endpoint, req: MockRequest): Promise<Outcome> {
    const outcome = await answerServiceRoute(endpoint, req, this)
    this.metrics.request(endpoint, outcome.status)
    if (endpoint === 'unknown') this.#record(req, endpoint, outcome.status, false, null)
    return outcome
  }

  #llm(endpoint: Endpoint, route: LlmRoute, req: MockRequest): Outcome {
    let fault: FaultMode | undefined
    let stream = false
    try {
      if (req.method !== 'POST')
        throw new RequestError(405, `${req.path} takes POST, not ${req.method}`, { allow: 'POST' })
      fault = this.#pickFault(req.headers[FAULT_HEADER])
      const body = this.#parseBody(req)
      const parsed = route.schema.safeParse(body)
      if (!parsed.success)
        throw new RequestError(400, `invalid request body: ${describeIssues(parsed.error)}`)
      const request = parsed.data
      stream = request.stream === true
      if (fault) this.metrics.fault(endpoint, fault)
      const shaping = { latencyMs: this.options.artificialLatencyMs, stallMs: this.options.stallMs, fault }
      if (fault === '500') throw new RequestError(500, 'scaletest fault injected: internal server error')
      if (fault === '429')
        throw new RequestError(429, 'scaletest fault injected: rate limit reached, retry later', {
          'retry-after': String(this.options.retryAfterSeconds),
        })
      const conversation = route.conversation(request)
      const plan = planReply(conversation, this.options, route.maxTokens(request))
      if (plan.kind === 'tool') this.metrics.toolCall(endpoint)
      const ctx = {
        id: this.#idPrefix + (++this.#idSeq).toString(36).padStart(8, '0'),
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        promptTokens: countTokens(conversation.promptChars),
      }
      const headers = { [route.provider === 'anthropic' ? 'request-id' : 'x-request-id']: `req_${ctx.id}` }
      this.metrics.request(endpoint, 200)
      this.#record(req, endpoint, 200, stream, fault ?? null)
      if (!stream)
        return jsonOutcome(
          endpoint,
          200,
          JSON.stringify(route.renderer.json(plan, ctx, request)),
          shaping,
          headers,
        )
      const durationMs = this.#streamDuration()
      const whole = !fault && durationMs === 0 ? route.renderer.streamBuffer?.(plan, ctx, request) : undefined
      if (whole) return wholeStreamOutcome(endpoint, whole, shaping.latencyMs, headers)
      const events = route.renderer.stream(plan, ctx, request)
      return streamOutcome(
        endpoint,
        events,
        { ...shaping, durationMs, brokenEvent: route.renderer.brokenEvent(ctx) },
        headers,
      )
    } catch (error) {
      const failure =
        error instanceof RequestError
          ? error
          : error instanceof ControlBlockError
            ? new RequestError(400, error.message)
            : new RequestError(500, `mock failed: ${(error as Error).message}`)
      this.metrics.request(endpoint, failure.status)
      this.#record(req, endpoint, failure.status, stream, fault ?? null)
      const payload = JSON.stringify(errorBody(route.provider, failure.status, failure.message))
      return jsonOutcome(
        endpoint,
        failure.status,
        payload,
        { latencyMs: this.options.artificialLatencyMs, fault: undefined, stallMs: 0 },
        failure.headers,
      )
    }
  }

  #parseBody(req: MockRequest): unknown {
    if (req.bodyTooLarge)
      throw new RequestError(413, `request body is larger than ${this.options.maxBodyBytes} bytes`)
    const type = req.headers['content-type']
    if (typeof type === 'string' && !/^application\/([\w.+-]+\+)?json\b/i.test(type))
      throw new RequestError(415, `content-type must be application/json, got '${type.slice(0, 100)}'`)
    if (!req.body) throw new RequestError(400, 'request body is empty: expected a JSON object')
    let body: unknown
    try {
      body = JSON.parse(req.body)
    } catch (error) {
      throw new RequestError(400, `request body is not valid JSON: ${(error as Error).message}`)
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new RequestError(400, 'request body must be a JSON object')
    return body
  }

  #pickFault(header: string | string[] | undefined): FaultMode | undefined {
    if (header !== undefined) {
      const value = (Array.isArray(header) ? header[0]! : header).trim()
      if ((FAULT_MODES as readonly string[]).includes(value)) return value as FaultMode
      if (value === '' || value === 'none') return undefined
      throw new RequestError(
        400,
        `unknown ${FAULT_HEADER} '${value.slice(0, 40)}': expected one of ${FAULT_MODES.join(', ')}`,
      )
    }
    let draw = -1
    for (const mode of FAULT_MODES) {
      const p = this.options.faults[mode]
      if (!p) continue
      if (draw < 0) draw = this.#random()
      if (draw < p) return mode
      draw -= p
    }
    return undefined
  }

  #streamDuration(): number {
    const min = this.options.minStreamDurationMs ?? this.options.maxStreamDurationMs ?? 0
    const max = this.options.maxStreamDurationMs ?? min
    return max > min ? min + this.#random() * (max - min) : min
  }

  #record(req: MockRequest, endpoint: Endpoint, status: number, stream: boolean, fault: string | null) {
    this.journal.record({
      method: req.method,
      path: req.path,
      endpoint,
      status,
      stream,
      fault,
      headers: req.headers,
      body: req.body,
    })
  }
}
