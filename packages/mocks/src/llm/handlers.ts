// msw handlers for in-process use (`setupServer(...createLlmHandlers())`): the same engine and
// outcomes as the node:http listener, played as a fetch Response.
import { setTimeout as sleep } from 'node:timers/promises'

import { type HttpHandler, HttpResponse, http } from 'msw'

import { LlmMockEngine, type MockRequest } from './engine.ts'
import type { LlmMockOptions } from './options.ts'
import type { Outcome } from './outcome.ts'

export interface LlmHandlersOptions extends LlmMockOptions {
  /** Origin (and optional path prefix) to intercept, e.g. https://api.openai.com. Default: any origin. */
  baseUrl?: string
  /** An engine to answer with, sharing its journal and metrics; the other options are then ignored. */
  engine?: LlmMockEngine
}

const PATHS = [
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/messages',
  '/v1/models',
  '/healthz',
  '/metrics',
  '/__admin/requests',
]

/** Handlers answering the mock's routes, under `baseUrl` or on any origin. */
export function createLlmHandlers(options: LlmHandlersOptions = {}): HttpHandler[] {
  const { baseUrl, engine: given, ...engineOptions } = options
  const engine = given ?? new LlmMockEngine(engineOptions)
  const base = baseUrl ? baseUrl.replace(/\/$/, '') : '*'
  return PATHS.map((path) =>
    http.all(`${base}${path}`, async ({ request }) => {
      const started = performance.now()
      const url = new URL(request.url)
      const headers: MockRequest['headers'] = {}
      request.headers.forEach((value, name) => {
        headers[name] = value
      })
      const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text()
      const tooLarge = Buffer.byteLength(body) > engine.options.maxBodyBytes
      const outcome = await engine.handle({
        method: request.method,
        path,
        search: url.search,
        headers,
        body: tooLarge || body === '' ? undefined : body,
        bodyTooLarge: tooLarge,
      })
      return toResponse(outcome, engine, started)
    }),
  )
}

async function toResponse(outcome: Outcome, engine: LlmMockEngine, started: number): Promise<Response> {
  const { bursts, endpoint } = outcome
  const metrics = engine.metrics
  if (bursts.length === 0) return HttpResponse.error()
  await sleep(bursts[0]!.delayMs)
  metrics.firstByte(endpoint, (performance.now() - started) / 1000)
  const init = { status: outcome.status, headers: outcome.headers }
  if (bursts.length === 1 && outcome.end === 'end' && !outcome.stream) {
    metrics.bytes(endpoint, Buffer.byteLength(bursts[0]!.data))
    return new Response(bursts[0]!.data, init)
  }
  const encoder = new TextEncoder()
  let index = 0
  let open = outcome.stream
  if (open) metrics.streamStarted(endpoint)
  const ended = () => {
    if (open) metrics.streamEnded(endpoint)
    open = false
  }
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index > 0 && index < bursts.length) await sleep(bursts[index]!.delayMs)
      if (index < bursts.length) {
        const burst = bursts[index++]!.data
        const data = typeof burst === 'string' ? encoder.encode(burst) : burst
        metrics.bytes(endpoint, data.byteLength)
        controller.enqueue(data)
        return
      }
      ended()
      if (outcome.end === 'reset')
        controller.error(new TypeError('scaletest fault injected: connection reset'))
      else controller.close()
    },
    cancel: ended,
  })
  return new Response(body, init)
}
