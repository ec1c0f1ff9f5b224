import { setupServer } from 'msw/node'
import { APIConnectionError } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { FAULT_HEADER, LlmMockEngine } from './engine.ts'
import { createLlmHandlers } from './handlers.ts'
import { anthropicClient, EXECUTE_TOOL, openaiClient } from './test-clients.test-helper.ts'

// In-process: msw intercepts fetch, so the clients talk to an origin nothing listens on.
const BASE = 'http://llm.mock.test'
const engine = new LlmMockEngine({ responsePayloadSize: 40, toolCallsPerTurn: 1, stallMs: 50 })
const server = setupServer(
  ...createLlmHandlers({ engine, baseUrl: BASE }),
  ...createLlmHandlers({ baseUrl: 'http://other.test/openai' }),
)

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterAll(() => server.close())

describe('createLlmHandlers with msw', () => {
  it('streams chat completions to the openai client', async () => {
    const stream = await openaiClient(BASE).chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let usage = 0
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      usage = chunk.usage?.completion_tokens ?? usage
    }
    expect(text).toHaveLength(40)
    expect(usage).toBe(10)
  })

  it('answers tool calls to the openai client', async () => {
    const completion = await openaiClient(BASE).chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'go' }],
      tools: [EXECUTE_TOOL],
    })
    const call = completion.choices[0]!.message.tool_calls![0]!
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      command: 'echo scaletest',
    })
  })

  it('streams Anthropic messages with named events', async () => {
    const message = await anthropicClient(BASE)
      .messages.stream({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage()
    expect(message.stop_reason).toBe('end_turn')
    expect(message.content[0]).toMatchObject({ type: 'text' })
  })

  it('plays faults: reset mid-stream errors the body, stall delays it', async () => {
    const reset = await (async () => {
      const stream = await openaiClient(BASE).chat.completions.create(
        { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true },
        { headers: { [FAULT_HEADER]: 'reset' } },
      )
      for await (const _ of stream);
    })().catch((e: unknown) => e)
    expect(reset).toBeInstanceOf(Error)

    const before = performance.now()
    const res = await fetch(`${BASE}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [FAULT_HEADER]: 'stall' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    })
    expect(await res.text()).toContain('data: [DONE]')
    expect(performance.now() - before).toBeGreaterThanOrEqual(45)

    const refused = await openaiClient(BASE)
      .chat.completions.create({ model: 'm', messages: [] }, { headers: { [FAULT_HEADER]: 'reset' } })
      .catch((e: unknown) => e)
    expect(refused).not.toBeInstanceOf(APIConnectionError)
    expect(refused).toMatchObject({ status: 400 })
  })

  it('shares the engine journal, and honours a base URL with a path prefix', async () => {
    const seen = engine.journal.list({ endpoint: 'messages' })
    expect(seen.length).toBeGreaterThan(0)
    const models = (await (await fetch('http://other.test/openai/v1/models')).json()) as {
      data: { id: string }[]
    }
    expect(models.data[0]!.id).toBe('scaletest-model')
    await expect(fetch('http://other.test/v1/models')).rejects.toThrow()
  })
})
