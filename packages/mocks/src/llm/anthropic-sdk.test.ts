import type Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type StartedLlmMock, startLlmMock } from './start.ts'
import { anthropicClient, control } from './test-clients.test-helper.ts'

let mock: StartedLlmMock
beforeAll(async () => {
  mock = await startLlmMock({ toolCallsPerTurn: 1, toolCallCommand: 'echo from-flag' })
})
afterAll(() => mock.close())

const EXECUTE: Anthropic.Tool = {
  name: 'execute',
  description: 'Run a shell command.',
  input_schema: { type: 'object', properties: { command: { type: 'string' } } },
}

describe('messages with the @anthropic-ai/sdk client', () => {
  it('streams text with named events into a final message', async () => {
    const stream = anthropicClient(mock.url).messages.stream({
      model: 'scaletest-claude',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Reply with one short sentence.' }],
    })
    const texts: string[] = []
    stream.on('text', (delta) => texts.push(delta))
    const message = await stream.finalMessage()
    expect(message.id).toMatch(/^msg_/)
    expect(message.model).toBe('scaletest-claude')
    expect(message.stop_reason).toBe('end_turn')
    const block = message.content[0]!
    expect(block.type).toBe('text')
    if (block.type !== 'text') throw new Error('unreachable')
    expect(block.text).toBe('Scaletest mock reply to: "Reply with one short sentence.".')
    expect(texts.join('')).toBe(block.text)
    expect(texts.length).toBeGreaterThan(1)
    expect(message.usage.output_tokens).toBe(texts.length)
    expect(message.usage.input_tokens).toBeGreaterThan(0)
  })

  it('streams a tool_use block with input_json_delta, then text once the turn has its tool calls', async () => {
    const client = anthropicClient(mock.url)
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'List the files.' }]
    const first = await client.messages
      .stream({ model: 'm', max_tokens: 1024, messages, tools: [EXECUTE] })
      .finalMessage()
    expect(first.stop_reason).toBe('tool_use')
    const use = first.content[0]!
    if (use.type !== 'tool_use') throw new Error(`expected tool_use, got ${use.type}`)
    expect(use.id).toMatch(/^toolu_/)
    expect(use.name).toBe('execute')
    expect(use.input).toEqual({ command: 'echo from-flag' })

    messages.push({ role: 'assistant', content: first.content })
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'a.txt' }] })
    const second = await client.messages
      .stream({ model: 'm', max_tokens: 1024, messages, tools: [EXECUTE] })
      .finalMessage()
    expect(second.stop_reason).toBe('end_turn')
    expect(second.content[0]!.type).toBe('text')
  })

  it('follows a control block over the flag, and answers without streaming', async () => {
    const client = anthropicClient(mock.url)
    const scripted = await client.messages.create({
      model: 'm',
      max_tokens: 1024,
      tools: [EXECUTE],
      messages: [{ role: 'user', content: [{ type: 'text', text: control({ tool_calls_this_turn: 0 }) }] }],
    })
    expect(scripted.stop_reason).toBe('end_turn')
    const called = await client.messages.create({
      model: 'm',
      max_tokens: 1024,
      tools: [EXECUTE],
      messages: [{ role: 'user', content: control({ tool_calls_this_turn: 1, command: 'uptime' }) }],
    })
    expect(called.content).toEqual([
      expect.objectContaining({ type: 'tool_use', input: { command: 'uptime' } }),
    ])
  })

  it('reports bad requests in the Anthropic error shape', async () => {
    const error = await anthropicClient(mock.url)
      // @ts-expect-error max_tokens is required, as in the real API
      .messages.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      status: 400,
      error: { type: 'error', error: { type: 'invalid_request_error' } },
    })
    expect((error as Error).message).toContain('max_tokens')
  })
})
