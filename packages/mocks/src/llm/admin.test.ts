import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { JournalEntry } from './journal.ts'
import { type StartedLlmMock, startLlmMock } from './start.ts'
import { postJson } from './test-clients.test-helper.ts'

let mock: StartedLlmMock
beforeAll(async () => {
  mock = await startLlmMock({ journalLimit: 5, maxBodyBytes: 2000, artificialLatencyMs: 0 })
})
afterAll(() => mock.close())

const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] }
type Journal = { total: number; requests: JournalEntry[] }
const chatUrl = () => `${mock.url}/v1/chat/completions`

describe('bad input gets a 4xx in the provider error shape', () => {
  const cases: [string, () => Promise<{ status: number; text: string }>, number, RegExp][] = [
    ['malformed JSON', () => postJson(chatUrl(), '{"model":'), 400, /not valid JSON/],
    ['a JSON array', () => postJson(chatUrl(), '[1]'), 400, /must be a JSON object/],
    ['missing messages', () => postJson(chatUrl(), { model: 'm' }), 400, /messages: /],
    [
      'a bad role',
      () => postJson(chatUrl(), { model: 'm', messages: [{ role: 'robot' }] }),
      400,
      /messages\.0\.role/,
    ],
    ['an empty body', () => postJson(chatUrl(), ''), 400, /empty/],
    [
      'a form body',
      () => postJson(chatUrl(), 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      /content-type must be application\/json/,
    ],
    [
      'an oversized body',
      () => postJson(chatUrl(), { ...chat, pad: 'x'.repeat(3000) }),
      413,
      /larger than 2000 bytes/,
    ],
    [
      'an unknown path',
      () => postJson(`${mock.url}/v1/embeddings`, chat),
      404,
      /no route for POST \/v1\/embeddings/,
    ],
    [
      'GET on a POST route',
      () => fetch(chatUrl()).then(async (r) => ({ status: r.status, text: await r.text() })),
      405,
      /takes POST/,
    ],
  ]
  it.each(cases)('%s', async (_name, send, status, message) => {
    const res = await send()
    expect(res.status).toBe(status)
    expect(JSON.parse(res.text).error.message).toMatch(message)
  })

  it('answers Anthropic routes in the Anthropic shape', async () => {
    const res = await postJson(`${mock.url}/v1/messages`, { model: 'm', messages: [] })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } })
  })

  it('rejects a broken control block with 400', async () => {
    const content = '<scaletest-control>{"tool_calls_this_turn":</scaletest-control>hi'
    const res = await postJson(chatUrl(), { model: 'm', messages: [{ role: 'user', content }] })
    expect(res.status).toBe(400)
    expect(res.text).toContain('scaletest-control block is not valid JSON')
  })

  it('keeps serving after all of it', async () => {
    expect((await fetch(`${mock.url}/healthz`)).status).toBe(200)
  })
})

describe('request journal', () => {
  it('keeps the last N requests with secrets redacted, and clears on DELETE', async () => {
    await fetch(`${mock.url}/__admin/requests`, { method: 'DELETE' })
    for (let i = 0; i < 8; i++)
      await postJson(
        chatUrl(),
        { ...chat, messages: [{ role: 'user', content: `n${i}` }] },
        { authorization: 'Bearer sk-secret' },
      )
    const journal = await fetch(`${mock.url}/__admin/requests?endpoint=chat_completions`)
    const { requests, total } = (await journal.json()) as Journal
    expect(requests).toHaveLength(5)
    expect(requests.map((r) => (r.body as typeof chat).messages[0]!.content)).toEqual([
      'n3',
      'n4',
      'n5',
      'n6',
      'n7',
    ])
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      status: 200,
      stream: false,
    })
    expect(requests[0]!.headers.authorization).toBe('[redacted]')
    expect(JSON.stringify(requests)).not.toContain('sk-secret')
    expect(total).toBeGreaterThanOrEqual(8)
    const limited = (await (await fetch(`${mock.url}/__admin/requests?limit=2`)).json()) as Journal
    expect(limited.requests).toHaveLength(2)
    expect((await fetch(`${mock.url}/__admin/requests?limit=-1`)).status).toBe(400)
    await postJson(chatUrl(), '{"model":', { 'x-api-key': 'sk-ant-secret' })
    expect(mock.requests({ limit: 1 })[0]).toMatchObject({
      status: 400,
      body: '{"model":',
      headers: { 'x-api-key': '[redacted]' },
    })
    await fetch(`${mock.url}/__admin/requests`, { method: 'DELETE' })
    expect(mock.requests()).toHaveLength(0)
  })
})

describe('metrics', () => {
  it('counts a paced stream as active while it is sent', async () => {
    await using paced = await startLlmMock({ minStreamDurationMs: 400 })
    const metric = async () =>
      /llm_mock_active_streams\{endpoint="chat_completions"\} (\d+)/.exec(
        await (await fetch(`${paced.url}/metrics`)).text(),
      )?.[1]
    const res = await fetch(`${paced.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...chat, stream: true }),
    })
    expect(await metric()).toBe('1')
    await res.text()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await metric()).toBe('0')
  })

  it('counts requests by endpoint and status, streams, bytes and time to first byte on its own registry', async () => {
    await using fresh = await startLlmMock()
    for (let i = 0; i < 3; i++) await postJson(`${fresh.url}/v1/chat/completions`, { ...chat, stream: true })
    await postJson(`${fresh.url}/v1/messages`, { model: 'm' })
    const text = await (await fetch(`${fresh.url}/metrics`)).text()
    expect(text).toContain('llm_mock_requests_total{endpoint="chat_completions",status="200"} 3')
    expect(text).toContain('llm_mock_requests_total{endpoint="messages",status="400"} 1')
    expect(text).toContain('llm_mock_time_to_first_byte_seconds_count{endpoint="chat_completions"} 3')
    const buckets = [
      ...text.matchAll(
        /llm_mock_time_to_first_byte_seconds_bucket\{le="([^"]+)",endpoint="chat_completions"\} (\d+)/g,
      ),
    ]
    const counts = buckets.map((m) => Number(m[2]))
    expect(counts).toEqual([...counts].sort((a, b) => a - b))
    expect(buckets.at(-1)).toMatchObject({ 1: '+Inf', 2: '3' })
    const bytes = Number(/llm_mock_response_bytes_total\{endpoint="chat_completions"\} (\d+)/.exec(text)?.[1])
    expect(bytes).toBeGreaterThan(300)
  })
})
