import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'

import type { LlmMockOptions } from '../../llm/options.ts'
import { type StartedLlmMock, startLlmMock } from '../../llm/start.ts'
import type { CoderdSimulatorOptions } from '../options.ts'
import { createTemplate, type Fixture, type Json, startFixture } from '../test/sim-client.ts'

/** Collects stream events (either framing) until `until` matches one. */
function collect(
  url: string,
  token: string,
  until: (e: Json, seen: Json[]) => boolean,
): Promise<{ events: Json[]; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const events: Json[] = []
    const socket = new WebSocket(url, { headers: { 'Coder-Session-Token': token } })
    const timer = setTimeout(
      () => reject(new Error(`timed out: ${JSON.stringify(events.map((e) => e.type))}`)),
      10_000,
    )
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw))
      const batch: Json[] = Array.isArray(frame) ? frame : frame.type === 'data' ? frame.data : []
      for (const e of batch) {
        events.push(e)
        if (until(e, events)) {
          clearTimeout(timer)
          resolve({ events, socket })
        }
      }
    })
    socket.on('error', reject)
  })
}

describe('chats API', () => {
  let f: Fixture
  let llm: StartedLlmMock
  let modelId: string
  let workspaceId: string
  const sockets: WebSocket[] = []
  beforeAll(async () => {
    llm = await startLlmMock()
    f = await startFixture({ chats: { providerCacheTtlMs: 50, retryBaseMs: 10, maxAttempts: 2 } })
    const provider = await f.owner.ok('POST', '/api/v2/ai/providers', {
      type: 'openai-compat',
      name: 'coder-scaletest-mock',
      display_name: 'Scaletest LLM Mock',
      base_url: `${llm.url}/v1`,
      api_keys: ['coder-scaletest'],
    })
    const model = await f.owner.ok('POST', '/api/experimental/chats/model-configs', {
      provider: 'openai-compat',
      ai_provider_id: provider.id,
      model: 'scaletest-model',
      display_name: 'Scaletest Model',
      context_limit: 4096,
    })
    modelId = model.id
    const template = await createTemplate(f.owner, f.orgId, 'chat-template')
    const ws = await f.owner.ok('POST', `/api/v2/organizations/${f.orgId}/members/me/workspaces`, {
      template_id: template.id,
      name: 'scaletest-chat-0',
    })
    workspaceId = ws.id
    await new Promise((r) => setTimeout(r, 60))
  })
  afterAll(async () => {
    for (const s of sockets) s.terminate()
    f.sim.close()
    await llm.close()
  })

  it('rejects bad input with Coder error bodies', async () => {
    const empty = await f.owner.call('POST', '/api/experimental/chats', { content: [] })
    expect(empty.status).toBe(400)
    expect(empty.body.message).toBeTruthy()
    expect(empty.body.validations[0].field).toBe('content')
    const badName = await f.owner.call('POST', '/api/v2/ai/providers', {
      type: 'openai-compat',
      name: 'Bad Name',
      base_url: 'http://127.0.0.1:1/v1',
    })
    expect(badName.status).toBe(400)
    expect(badName.body.validations[0]).toEqual({
      field: 'name',
      detail: 'name must match ^[a-z0-9]+(-[a-z0-9]+)*$ (lowercase alphanumeric, hyphens between words)',
    })
    const badUrl = await f.owner.call('POST', '/api/v2/ai/providers', {
      type: 'openai-compat',
      name: 'bad-url',
      base_url: 'ftp://x',
      api_keys: [' padded '],
    })
    expect(badUrl.status).toBe(400)
    expect(badUrl.body.validations).toEqual([
      { field: 'base_url', detail: 'base_url must be an absolute URL (e.g. https://api.example.com/)' },
      // Coder names the field api_keys[0]; the simulator's shared validation names it api_keys.0.
      { field: 'api_keys.0', detail: 'api_keys entries must not contain leading or trailing whitespace' },
    ])
    const model = await f.owner.ok('POST', '/api/experimental/chats/model-configs', {
      provider: 'openai-compat',
      model: 'spare',
    })
    const patched = await f.owner.call('PATCH', `/api/experimental/chats/model-configs/${model.id}`, {
      enabled: false,
    })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ id: model.id, enabled: false })
    const unknownField = await f.owner.call('PATCH', `/api/experimental/chats/model-configs/${model.id}`, {
      colour: 'red',
    })
    expect(unknownField.status).toBe(400)
    expect((await f.owner.call('DELETE', `/api/experimental/chats/model-configs/${model.id}`)).status).toBe(
      204,
    )
    expect((await f.owner.call('DELETE', `/api/experimental/chats/model-configs/${model.id}`)).status).toBe(
      404,
    )
    const listed = await f.owner.ok('GET', '/api/v2/ai/providers')
    expect(listed[0]).toMatchObject({ name: 'coder-scaletest-mock', settings: null })
    const dup = await f.owner.call('POST', '/api/v2/ai/providers', {
      type: 'openai-compat',
      name: 'coder-scaletest-mock',
      base_url: 'http://127.0.0.1:1/v1',
    })
    expect(dup.status).toBe(409)
    expect(dup.body.message).toMatch(/already exists/)
    const missing = await f.owner.call('GET', '/api/experimental/chats/00000000-0000-0000-0000-000000000000')
    expect(missing.status).toBe(404)
    const noModel = await f.owner.call('POST', '/api/experimental/chats', {
      content: [{ type: 'text', text: 'hi' }],
      model_config_id: '00000000-0000-0000-0000-000000000000',
    })
    expect(noModel.status).toBe(400)
  })

  it('runs a turn with two tool calls, replays history, archives with 204', async () => {
    const control =
      '<coder-scaletest-control>{"v":1,"tool_calls_this_turn":2,"tool":"execute","command":"echo scaletest"}</coder-scaletest-control>\n'
    const chat = await f.owner.ok('POST', '/api/experimental/chats', {
      content: [{ type: 'text', text: `${control}Reply with one short sentence.` }],
      workspace_id: workspaceId,
      model_config_id: modelId,
    })
    expect(chat.status).toBe('pending')
    const wsUrl = `${f.sim.url.replace('http', 'ws')}/api/experimental/chats/${chat.id}/stream`
    const { events, socket } = await collect(
      `${wsUrl}?after_id=0`,
      f.owner.token!,
      (e) =>
        e.type === 'message' &&
        e.message.role === 'assistant' &&
        e.message.content.some((p: Json) => p.type === 'text'),
    )
    sockets.push(socket)
    const messages = events.filter((e) => e.type === 'message').map((e) => e.message)
    const results = messages.filter((m) => m.role === 'tool')
    expect(results).toHaveLength(2)
    expect(results[0].content[0].result.output).toBe('scaletest\n')
    const final = messages.at(-1)
    expect(final.role).toBe('assistant')
    expect(messages.indexOf(results[1])).toBeLessThan(messages.indexOf(final))
    const patched = await f.owner.call('PATCH', `/api/experimental/chats/${chat.id}`, { archived: true })
    expect(patched.status).toBe(204)
    expect((await f.owner.ok('GET', `/api/experimental/chats/${chat.id}`)).archived).toBe(true)
  }, 20_000)

  it('retries an unreachable provider, then errors with last_error', async () => {
    const provider = await f.owner.ok('POST', '/api/v2/ai/providers', {
      type: 'openai-compat',
      name: 'dead',
      base_url: 'http://127.0.0.1:9/v1',
    })
    const model = await f.owner.ok('POST', '/api/v2/chats/model-configs', {
      provider: 'openai-compat',
      ai_provider_id: provider.id,
      model: 'x',
    })
    await new Promise((r) => setTimeout(r, 60))
    const chat = await f.owner.ok('POST', '/api/v2/chats', {
      content: [{ type: 'text', text: 'hi' }],
      model_config_id: modelId,
    })
    const url = `${f.sim.url.replace('http', 'ws')}/api/v2/chats/${chat.id}/stream`
    const first = await collect(
      url,
      f.owner.token!,
      (e) => e.type === 'status' && e.status.status === 'waiting',
    )
    first.socket.terminate()
    const seen = collect(url, f.owner.token!, (e) => e.type === 'status' && e.status.status === 'error')
    await new Promise((r) => setTimeout(r, 50))
    const queued = await f.owner.call('POST', `/api/v2/chats/${chat.id}/messages`, {
      content: [{ type: 'text', text: 'Continue.' }],
      model_config_id: model.id,
    })
    expect(queued.status).toBe(200)
    const { events, socket } = await seen
    sockets.push(socket)
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1)
    const after = await f.owner.ok('GET', `/api/v2/chats/${chat.id}`)
    expect(after.last_error).toMatch(/unreachable/)
  }, 20_000)
})

/** A simulator and an LLM mock of its own, with the scaletest provider and model pointing at it. */
async function chatSetup(
  chats: NonNullable<CoderdSimulatorOptions['chats']>,
  llmOptions: LlmMockOptions = {},
) {
  const llm = await startLlmMock(llmOptions)
  const f = await startFixture({ chats })
  const provider = await f.owner.ok('POST', '/api/v2/ai/providers', {
    type: 'openai-compat',
    name: 'coder-scaletest-mock',
    base_url: `${llm.url}/v1`,
    api_keys: ['coder-scaletest'],
  })
  const model = await f.owner.ok('POST', '/api/experimental/chats/model-configs', {
    provider: 'openai-compat',
    ai_provider_id: provider.id,
    model: 'scaletest-model',
  })
  const sockets: WebSocket[] = []
  return {
    f,
    llm,
    modelId: model.id as string,
    providerId: provider.id as string,
    streamUrl: (id: string) => `${f.sim.url.replace('http', 'ws')}/api/experimental/chats/${id}/stream`,
    collect: async (id: string, until: (e: Json, seen: Json[]) => boolean) => {
      const got = await collect(
        `${f.sim.url.replace('http', 'ws')}/api/experimental/chats/${id}/stream`,
        f.owner.token!,
        until,
      )
      sockets.push(got.socket)
      return got.events
    },
    /** Polls GET /chats/{id} until the chat has `status` (bounded). */
    waitForStatus: async (id: string, status: string) => {
      const deadline = Date.now() + 10_000
      for (;;) {
        const chat = await f.owner.ok('GET', `/api/experimental/chats/${id}`)
        if (chat.status === status) return chat
        if (Date.now() > deadline) throw new Error(`chat ${id} stayed ${chat.status}, wanted ${status}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    close: async () => {
      for (const s of sockets) s.terminate()
      f.sim.close()
      await llm.close()
    },
  }
}

type Setup = Awaited<ReturnType<typeof chatSetup>>
const setups: Setup[] = []
afterEach(async () => {
  for (const s of setups.splice(0)) await s.close()
})

async function setup(...args: Parameters<typeof chatSetup>): Promise<Setup> {
  const s = await chatSetup(...args)
  setups.push(s)
  return s
}

const text = (t: string) => ({ content: [{ type: 'text', text: t }] })

describe('provider faults through the worker (the LLM mock fault header)', () => {
  for (const [fault, statusCode] of [
    ['429', 429],
    ['500', 500],
    ['reset', undefined],
  ] as const) {
    it(`${fault}: retry events with doubling backoff, then error with last_error, and nothing hangs`, async () => {
      const s = await setup({
        retryBaseMs: 20,
        maxAttempts: 3,
        providerHeaders: { 'x-scaletest-fault': fault },
      })
      const chat = await s.f.owner.ok('POST', '/api/experimental/chats', {
        ...text('hi'),
        model_config_id: s.modelId,
      })
      // Turn 1 fails before a socket can attach; the follow-up is watched from the start.
      await s.waitForStatus(chat.id, 'error')
      const events = s.collect(
        chat.id,
        (e, seen) =>
          e.type === 'status' && e.status.status === 'error' && seen.some((x) => x.type === 'retry'),
      )
      await new Promise((r) => setTimeout(r, 50))
      const before = s.llm.requests().length
      const queued = await s.f.owner.call(
        'POST',
        `/api/experimental/chats/${chat.id}/messages`,
        text('again'),
      )
      expect(queued.status).toBe(200)
      const seen = (await events).filter((e) => ['retry', 'error', 'status'].includes(e.type))
      const live = seen.slice(seen.findIndex((e) => e.type === 'status' && e.status.status === 'running'))
      expect(live.map((e) => (e.type === 'status' ? e.status.status : e.type))).toEqual([
        'running',
        'retry',
        'retry',
        'error',
        'error',
      ])
      const retries = live.filter((e) => e.type === 'retry').map((e) => e.retry)
      expect(retries.map((r) => r.attempt)).toEqual([1, 2])
      expect(retries.map((r) => r.delay_ms)).toEqual([20, 40])
      for (const r of retries) {
        expect(r.status_code).toBe(statusCode)
        expect(Number.isNaN(Date.parse(r.retrying_at))).toBe(false)
      }
      const error = live.find((e) => e.type === 'error').error
      expect(error).toMatchObject({ retryable: false, kind: 'provider' })
      expect(error.status_code).toBe(statusCode)
      // Three attempts reached the LLM mock, each with the fault it was asked for.
      const calls = s.llm.requests().slice(before)
      expect(calls).toHaveLength(3)
      expect(calls.every((c) => c.fault === fault)).toBe(true)
      const after = await s.f.owner.ok('GET', `/api/experimental/chats/${chat.id}`)
      expect(after.status).toBe('error')
      expect(after.last_error).toBe(error.message)
      expect(after.last_error).toMatch(
        statusCode ? `provider returned ${statusCode}` : /provider stream failed/,
      )
    }, 30_000)
  }
})

describe('POST /chats/{id}/interrupt', () => {
  it('cancels a running turn: 200 with the chat waiting, no assistant message, the stream sees waiting', async () => {
    const s = await setup({}, { artificialLatencyMs: 5_000 })
    const chat = await s.f.owner.ok('POST', '/api/experimental/chats', {
      ...text('hi'),
      model_config_id: s.modelId,
    })
    const events = s.collect(
      chat.id,
      (e, seen) =>
        e.type === 'status' &&
        e.status.status === 'waiting' &&
        seen.some((x) => x.type === 'status' && x.status.status === 'running'),
    )
    await s.waitForStatus(chat.id, 'running')
    await new Promise((r) => setTimeout(r, 50))
    const started = Date.now()
    const reply = await s.f.owner.call('POST', `/api/experimental/chats/${chat.id}/interrupt`)
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ id: chat.id, status: 'waiting', last_error: null })
    const seen = await events
    // Well before the LLM mock's 5 s latency would have answered.
    expect(Date.now() - started).toBeLessThan(4_000)
    expect(seen.some((e) => e.type === 'message' && e.message.role === 'assistant')).toBe(false)
    expect(s.f.sim.chatMessages(chat.id).map((m) => m.role)).toEqual(['user'])
    expect((await s.f.owner.ok('GET', `/api/experimental/chats/${chat.id}`)).status).toBe('waiting')
  }, 30_000)

  it('leaves an idle chat waiting, clears last_error, and 404s an unknown chat', async () => {
    const s = await setup({ maxAttempts: 1, providerHeaders: { 'x-scaletest-fault': '500' } })
    const chat = await s.f.owner.ok('POST', '/api/v2/chats', { ...text('hi'), model_config_id: s.modelId })
    expect((await s.waitForStatus(chat.id, 'error')).last_error).toMatch(/provider returned 500/)
    const reply = await s.f.owner.call('POST', `/api/v2/chats/${chat.id}/interrupt`)
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ status: 'waiting', last_error: null })
    const missing = await s.f.owner.call(
      'POST',
      '/api/v2/chats/00000000-0000-0000-0000-000000000000/interrupt',
    )
    expect(missing.status).toBe(404)
    expect(missing.body.message).toBeTruthy()
  }, 30_000)
})

describe('provider cache TTL (one snapshot per replica per TTL)', () => {
  it('a new provider and a changed base_url reach the worker only after the TTL', async () => {
    const ttl = 2_000
    const s = await setup({ providerCacheTtlMs: ttl, replicas: 1, maxAttempts: 1 })
    // The first turn's lookup takes the replica's snapshot, before the second provider exists.
    const first = await s.f.owner.ok('POST', '/api/experimental/chats', {
      ...text('hi'),
      model_config_id: s.modelId,
    })
    const snapshotAt = Date.now()
    const second = await s.f.owner.ok('POST', '/api/v2/ai/providers', {
      type: 'openai-compat',
      name: 'second',
      base_url: `${s.llm.url}/v1`,
    })
    const model = await s.f.owner.ok('POST', '/api/experimental/chats/model-configs', {
      provider: 'openai-compat',
      ai_provider_id: second.id,
      model: 'scaletest-model',
    })
    await s.f.owner.ok('PATCH', '/api/v2/ai/providers/coder-scaletest-mock', {
      base_url: 'http://127.0.0.1:9/v1',
    })
    const early = await s.f.owner.ok('POST', '/api/experimental/chats', {
      ...text('hi'),
      model_config_id: model.id,
    })
    const stale = await s.f.owner.ok('POST', '/api/experimental/chats', {
      ...text('hi'),
      model_config_id: s.modelId,
    })
    const early$ = await s.waitForStatus(early.id, 'error')
    // Only meaningful while the snapshot is still fresh; a starved machine would make this vacuous.
    expect(Date.now() - snapshotAt).toBeLessThan(ttl)
    expect(early$.last_error).toMatch(/provider not configured/)
    // The edited provider still answers from the cached (old, working) base_url.
    await s.waitForStatus(stale.id, 'waiting')
    await s.waitForStatus(first.id, 'waiting')

    await new Promise((r) => setTimeout(r, ttl + 100))
    const late = await s.f.owner.ok('POST', '/api/experimental/chats', {
      ...text('hi'),
      model_config_id: model.id,
    })
    const moved = await s.f.owner.ok('POST', '/api/experimental/chats', {
      ...text('hi'),
      model_config_id: s.modelId,
    })
    await s.waitForStatus(late.id, 'waiting')
    expect(s.f.sim.chatMessages(late.id).at(-1)?.role).toBe('assistant')
    expect((await s.waitForStatus(moved.id, 'error')).last_error).toMatch(/unreachable/)
  }, 30_000)
})
