import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'

import { type StartedLlmMock, startLlmMock } from '../../llm/start.ts'
import { createTemplate, type Fixture, type Json, startFixture } from '../test/sim-client.ts'

/** Collects stream events (either framing) until `until` matches one. */
function collect(
  url: string,
  token: string,
  until: (e: Json) => boolean,
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
        if (until(e)) {
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
