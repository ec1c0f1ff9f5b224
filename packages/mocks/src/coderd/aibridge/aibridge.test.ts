// The official OpenAI and Anthropic clients, unmodified, pointed at the simulator's AI Bridge with a
// Coder session token; the bridge forwards to a real LLM mock on loopback.

import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type StartedLlmMock, startLlmMock } from '../../llm/start.ts'
import { createUser, type Fixture, type Json, type SimClient, startFixture } from '../test/sim-client.ts'

const EXECUTE = {
  name: 'execute',
  description: 'Run a shell command in the workspace.',
  parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
}
const runTool = (text = 'Run it.') =>
  `<scaletest-control>${JSON.stringify({ tool_calls_this_turn: 1, command: 'echo bridged', tool: 'execute' })}</scaletest-control>\n${text}`

let llm: StartedLlmMock
let f: Fixture
let member: { client: SimClient; id: string; username: string }

const openai = (token: string, root = 'aibridge', url = f.sim.url) =>
  new OpenAI({ baseURL: `${url}/api/v2/${root}/openai/v1`, apiKey: token, maxRetries: 0 })
const anthropic = (options: { apiKey?: string; authToken?: string }, url = f.sim.url) =>
  new Anthropic({ baseURL: `${url}/api/v2/aibridge/anthropic`, maxRetries: 0, ...options })

async function interceptions(client: SimClient, query = ''): Promise<Json> {
  return client.ok('GET', `/api/v2/aibridge/interceptions${query}`)
}

beforeAll(async () => {
  // Paced streams, so a buffering proxy would show as every event arriving at once.
  llm = await startLlmMock({ responsePayloadSize: 120, minStreamDurationMs: 400, maxStreamDurationMs: 400 })
  f = await startFixture({ aibridge: { openaiBaseUrl: `${llm.url}/v1`, anthropicBaseUrl: llm.url } })
  member = await createUser(f, [], 'bridge-member')
})
afterAll(async () => {
  await f.sim.close()
  await llm.close()
})

describe('AI Bridge with the official clients', () => {
  it('chat completions, not streamed, with a tool call, recorded as an interception', async () => {
    const completion = await openai(member.client.token!).chat.completions.create({
      model: 'gpt-4',
      messages: [{ role: 'user', content: runTool() }],
      tools: [{ type: 'function', function: EXECUTE }],
    })
    const call = completion.choices[0]!.message.tool_calls![0]!
    expect(call.type === 'function' && call.function.name).toBe('execute')
    const { count, results } = await interceptions(member.client, '?q=initiator:me')
    expect(count).toBe(1)
    const [record] = results
    expect(record).toMatchObject({
      initiator: { id: member.id, username: 'bridge-member' },
      provider: 'openai',
      model: 'gpt-4',
      metadata: { api: 'chat_completions', streaming: false },
      token_usages: [
        {
          provider_response_id: completion.id,
          input_tokens: completion.usage!.prompt_tokens,
          output_tokens: completion.usage!.completion_tokens,
        },
      ],
      tool_usages: [{ tool: 'execute', input: JSON.stringify({ command: 'echo bridged' }), injected: false }],
    })
    expect(record.user_prompts[0].prompt).toContain('Run it.')
    expect(Date.parse(record.ended_at)).toBeGreaterThanOrEqual(Date.parse(record.started_at))
  })

  it('chat completions, streamed event by event, with usage recorded although the client did not ask', async () => {
    const stream = await openai(member.client.token!).chat.completions.create({
      model: 'gpt-4',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    })
    const arrivals: number[] = []
    let text = ''
    for await (const chunk of stream) {
      arrivals.push(performance.now())
      text += chunk.choices[0]?.delta.content ?? ''
    }
    expect(text).toHaveLength(120)
    // 30 token events paced over 400 ms: passed through as they come, not at the end.
    expect(arrivals.length).toBeGreaterThan(20)
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(150)
    const [record] = (await interceptions(member.client)).results
    expect(record.metadata).toEqual({ api: 'chat_completions', streaming: true })
    expect(record.token_usages).toHaveLength(1)
    expect(record.token_usages[0].output_tokens).toBe(30)
  })

  it('responses, streamed and not, with a tool call, also under /api/v2/ai-gateway', async () => {
    const client = openai(member.client.token!, 'ai-gateway')
    const tools = [{ type: 'function' as const, strict: false, ...EXECUTE }]
    const plain = await client.responses.create({ model: 'gpt-5', input: runTool(), tools })
    expect(plain.output.find((o) => o.type === 'function_call')).toMatchObject({ name: 'execute' })
    const stream = await client.responses.create({ model: 'gpt-5', input: runTool(), tools, stream: true })
    const types: string[] = []
    for await (const event of stream) types.push(event.type)
    expect(types[0]).toBe('response.created')
    expect(types.at(-1)).toBe('response.completed')
    const { results } = await interceptions(member.client, '?q=model:gpt-5')
    expect(results.map((r: Json) => r.metadata.streaming)).toEqual([true, false])
    for (const record of results) {
      expect(record.provider).toBe('openai')
      expect(record.tool_usages.map((t: Json) => t.tool)).toEqual(['execute'])
      expect(record.token_usages[0].output_tokens).toBeGreaterThan(0)
    }
    expect(results[1].token_usages[0]).toMatchObject({
      provider_response_id: plain.id,
      input_tokens: plain.usage!.input_tokens,
      output_tokens: plain.usage!.output_tokens,
    })
  })

  it('anthropic messages with x-api-key and with a bearer token, streamed and not, with a tool call', async () => {
    const token = member.client.token!
    const tools = [
      { name: EXECUTE.name, description: EXECUTE.description, input_schema: EXECUTE.parameters as never },
    ]
    const message = await anthropic({ apiKey: token }).messages.create({
      model: 'claude-3-opus-20240229',
      max_tokens: 1024,
      messages: [{ role: 'user', content: [{ type: 'text', text: runTool() }] }],
      tools,
    })
    expect(message.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'execute' })
    const stream = anthropic({ authToken: token }).messages.stream({
      model: 'claude-3-opus-20240229',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'hello' }],
    })
    const final = await stream.finalMessage()
    expect(final.content[0]).toMatchObject({ type: 'text' })
    const { count, results } = await interceptions(member.client, '?q=provider:anthropic')
    expect(count).toBe(2)
    const [streamed, plain] = results
    expect(plain).toMatchObject({
      model: 'claude-3-opus-20240229',
      metadata: { api: 'messages', streaming: false },
      token_usages: [{ provider_response_id: message.id, output_tokens: message.usage.output_tokens }],
      tool_usages: [{ tool: 'execute', input: JSON.stringify({ command: 'echo bridged' }) }],
    })
    expect(streamed.metadata.streaming).toBe(true)
    expect(streamed.token_usages[0]).toMatchObject({
      provider_response_id: final.id,
      input_tokens: final.usage.input_tokens,
      output_tokens: final.usage.output_tokens,
    })
  })

  it('never sends the Coder session token upstream', async () => {
    const seen = llm.requests()
    expect(seen.length).toBe(6)
    for (const entry of seen) {
      expect(entry.headers.authorization).toBeUndefined()
      expect(entry.headers['x-api-key']).toBeUndefined()
    }
  })
})

describe('AI Bridge refusals and upstream errors', () => {
  const chat = (headers: Record<string, string>) =>
    fetch(`${f.sim.url}/api/v2/aibridge/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'gpt-4', messages: [{ role: 'user', content: 'hi' }] }),
    })

  it('answers 400 without a key and 403 for an unknown one, as aibridged does, and forwards nothing', async () => {
    const before = llm.requests().length
    const none = await chat({})
    expect(none.status).toBe(400)
    expect(await none.text()).toBe('no authentication key provided\n')
    const bad = await chat({ authorization: 'Bearer not-a-coder-token' })
    expect(bad.status).toBe(403)
    expect(await bad.text()).toBe('unauthorized\n')
    await expect(
      openai('abcdefghij-0123456789012345678901').chat.completions.create({ model: 'gpt-4', messages: [] }),
    ).rejects.toMatchObject({ status: 403 })
    await expect(
      anthropic({ apiKey: 'nope' }).messages.create({ model: 'c', max_tokens: 8, messages: [] }),
    ).rejects.toMatchObject({ status: 403 })
    expect(llm.requests().length).toBe(before)
  })

  it("passes an upstream 500 and 429 on in the provider's shape and records the interception", async () => {
    const token = member.client.token!
    const error = await openai(token)
      .chat.completions.create(
        { model: 'gpt-4-fault', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-scaletest-fault': '500' } },
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.APIError)
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500)
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      message: expect.any(String),
    })
    const limited = await anthropic({ apiKey: token })
      .messages.create(
        { model: 'claude-fault', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-scaletest-fault': '429' } },
      )
      .catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError)
    expect((limited as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error' })
    const { results } = await interceptions(f.owner, '?q=model:gpt-4-fault')
    expect(results).toHaveLength(1)
    expect(results[0].token_usages).toEqual([])
    expect(results[0].ended_at).not.toBeNull()
  })

  it('answers 502 in the provider shape when the upstream is unreachable, 400 for a body that is not JSON', async () => {
    const broken = await startFixture({ aibridge: { openaiBaseUrl: 'http://127.0.0.1:9/v1' } })
    try {
      const error = await openai(broken.owner.token!, 'aibridge', broken.sim.url)
        .chat.completions.create({ model: 'gpt-4', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({
        status: 502,
        error: { message: expect.stringMatching(/^upstream unreachable/) },
      })
      const unset = await anthropic({ apiKey: broken.owner.token! }, broken.sim.url)
        .messages.create({ model: 'c', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e)
      expect(unset).toMatchObject({ status: 503 })
      const notJson = await broken.owner.call(
        'POST',
        '/api/v2/aibridge/openai/v1/chat/completions',
        '{oops',
        {
          authorization: `Bearer ${broken.owner.token}`,
        },
      )
      expect(notJson.status).toBe(400)
      expect(notJson.body.error.message).toMatch(/^failed to parse request/)
    } finally {
      await broken.sim.close()
    }
  })
})

describe('GET /api/v2/aibridge/interceptions', () => {
  it("lists newest first with Coder's count, limit, offset and after_id, members seeing only their own", async () => {
    const all = await interceptions(f.owner, '?limit=1000')
    expect(all.count).toBe(all.results.length)
    // 6 answered requests and 2 upstream faults, all of the member.
    expect(all.count).toBe(8)
    const started = all.results.map((r: Json) => Date.parse(r.started_at))
    expect([...started].sort((a, b) => b - a)).toEqual(started)
    const page1 = await interceptions(f.owner, '?limit=2')
    const page2 = await interceptions(f.owner, `?limit=2&after_id=${page1.results[1].id}`)
    const byOffset = await interceptions(f.owner, '?limit=2&offset=2')
    expect(page1.count).toBe(all.count)
    expect(page2.results.map((r: Json) => r.id)).toEqual(all.results.slice(2, 4).map((r: Json) => r.id))
    expect(byOffset.results.map((r: Json) => r.id)).toEqual(page2.results.map((r: Json) => r.id))

    await f.owner.call(
      'POST',
      '/api/v2/aibridge/openai/v1/chat/completions',
      { model: 'owner-model', messages: [] },
      {
        authorization: `Bearer ${f.owner.token}`,
      },
    )
    const mine = await interceptions(member.client)
    expect(mine.results.every((r: Json) => r.initiator.id === member.id)).toBe(true)
    expect(mine.count).toBe(all.count)
    expect((await interceptions(f.owner)).count).toBe(all.count + 1)
    const byName = await interceptions(
      f.owner,
      `?q=${encodeURIComponent('initiator:"bridge-member" provider:openai')}`,
    )
    expect(byName.count).toBe(mine.results.filter((r: Json) => r.provider === 'openai').length)
  })

  it('rejects bad pagination and queries with 400 and validations', async () => {
    const cases = [
      ['?limit=1001', 'Invalid pagination limit value.'],
      ['?limit=-1', 'Query parameter has invalid value.'],
      [`?after_id=${crypto.randomUUID()}&offset=1`, 'Query parameters have invalid values.'],
      ['?q=colour:blue', 'Invalid AI Bridge interceptions search query.'],
      ['?q=started_after:yesterday', 'Invalid AI Bridge interceptions search query.'],
    ] as const
    for (const [query, message] of cases) {
      const reply = await f.owner.call('GET', `/api/v2/aibridge/interceptions${query}`)
      expect(reply.status, query).toBe(400)
      expect(reply.body.message, query).toBe(message)
    }
    const anon = await f.owner.as('').call('GET', '/api/v2/aibridge/interceptions')
    expect(anon.status).toBe(401)
  })
})

describe('interception store bounds', () => {
  it('keeps the newest maxInterceptions and cuts long prompts', async () => {
    const small = await startFixture({ aibridge: { openaiBaseUrl: `${llm.url}/v1`, maxInterceptions: 3 } })
    try {
      const client = openai(small.owner.token!, 'aibridge', small.sim.url)
      for (let i = 0; i < 5; i++)
        await client.chat.completions.create({
          model: `m-${i}`,
          messages: [{ role: 'user', content: 'y'.repeat(10_000) }],
        })
      const { count, results } = await small.owner.ok('GET', '/api/v2/aibridge/interceptions')
      expect(count).toBe(3)
      expect(results.map((r: Json) => r.model)).toEqual(['m-4', 'm-3', 'm-2'])
      expect(results[0].user_prompts[0].prompt).toHaveLength(4096)
    } finally {
      await small.sim.close()
    }
  })
})
