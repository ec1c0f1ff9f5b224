// The routes around the LLM APIs: health, models, metrics and the request journal.
import type { LlmMockEngine, MockRequest } from './engine.ts'
import { errorBody } from './errors.ts'
import type { Endpoint } from './metrics.ts'
import { jsonOutcome, type Outcome } from './outcome.ts'

type Json = (status: number, body: unknown, headers?: Record<string, string>) => Outcome

const PLAIN = { latencyMs: 0, fault: undefined, stallMs: 0 }

export async function answerServiceRoute(
  endpoint: Endpoint,
  req: MockRequest,
  engine: LlmMockEngine,
): Promise<Outcome> {
  const json: Json = (status, body, headers = {}) =>
    jsonOutcome(endpoint, status, JSON.stringify(body), PLAIN, headers)
  const allow = (method: string) =>
    json(405, errorBody('openai', 405, `${req.path} takes ${method}, not ${req.method}`), { allow: method })
  switch (endpoint) {
    case 'health':
      return req.method === 'GET' || req.method === 'HEAD' ? json(200, { status: 'ok' }) : allow('GET')
    case 'models':
      return req.method === 'GET' ? json(200, models(engine.options.models)) : allow('GET')
    case 'metrics':
      if (req.method !== 'GET') return allow('GET')
      return jsonOutcome(endpoint, 200, await engine.metrics.registry.metrics(), PLAIN, {
        'content-type': engine.metrics.registry.contentType,
      })
    case 'admin':
      return journal(req, engine, json)
    default:
      return json(404, errorBody('openai', 404, `no route for ${req.method} ${req.path}`))
  }
}

function journal(req: MockRequest, engine: LlmMockEngine, json: Json): Outcome {
  if (req.method === 'DELETE') {
    engine.journal.clear()
    return json(200, { cleared: true })
  }
  if (req.method !== 'GET')
    return json(405, errorBody('openai', 405, 'use GET or DELETE'), { allow: 'GET, DELETE' })
  const query = new URLSearchParams(req.search)
  const limitText = query.get('limit')
  const limit = limitText === null ? undefined : Number(limitText)
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0))
    return json(400, errorBody('openai', 400, `limit must be an integer >= 0, got '${limitText}'`))
  const requests = engine.journal.list({ endpoint: query.get('endpoint') ?? undefined, limit })
  return json(200, { total: engine.journal.total, requests })
}

/** A model list both SDKs read: OpenAI's fields and Anthropic's side by side. */
function models(ids: string[]) {
  const created = 1_700_000_000
  const data = ids.map((id) => ({
    id,
    object: 'model',
    created,
    owned_by: 'scaletest',
    type: 'model',
    display_name: id,
    created_at: new Date(created * 1000).toISOString(),
  }))
  return {
    object: 'list',
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  }
}
