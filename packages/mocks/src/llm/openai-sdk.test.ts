import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type StartedLlmMock, startLlmMock } from './start.ts'
import { control, EXECUTE_TOOL, openaiClient } from './test-clients.test-helper.ts'

let mock: StartedLlmMock
beforeAll(async () => {
  mock = await startLlmMock({ responsePayloadSize: 200 })
})
afterAll(() => mock.close())

const user = (content: string) => ({ role: 'user' as const, content })

describe('chat/completions with the openai client', () => {
  it('answers without streaming with ids, usage and finish_reason', async () => {
    const completion = await openaiClient(mock.url).chat.completions.create({
      model: 'scaletest-model',
      messages: [user('hello')],
    })
    expect(completion.id).toMatch(/^chatcmpl-/)
    expect(completion.model).toBe('scaletest-model')
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    const text = completion.choices[0]!.message.content!
    expect(text).toHaveLength(200)
    expect(completion.usage).toMatchObject({ completion_tokens: 50 })
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + 50)
  })

  it('streams the same text as token deltas, then usage when asked', async () => {
    const client = openaiClient(mock.url)
    const plain = await client.chat.completions.create({ model: 'm', messages: [user('hi')] })
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [user('hi')],
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe(plain.choices[0]!.message.content)
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop')
    expect(chunks.at(-1)!.choices).toEqual([])
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 50 })
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(50)
  })

  it('assembles a final completion with the stream helper', async () => {
    const stream = openaiClient(mock.url).chat.completions.stream({ model: 'm', messages: [user('hi')] })
    const final = await stream.finalChatCompletion()
    expect(final.choices[0]!.message.content).toHaveLength(200)
    expect(final.choices[0]!.finish_reason).toBe('stop')
  })

  it('stops at max_tokens with finish_reason length', async () => {
    const completion = await openaiClient(mock.url).chat.completions.create({
      model: 'm',
      messages: [user('hi')],
      max_completion_tokens: 3,
    })
    expect(completion.choices[0]!.finish_reason).toBe('length')
    expect(completion.choices[0]!.message.content).toHaveLength(12)
  })

  it('answers with tool calls until the control block count is reached, then with text', async () => {
    const client = openaiClient(mock.url)
    const messages: Parameters<typeof client.chat.completions.create>[0]['messages'] = [
      user(control({ tool_calls_this_turn: 2, command: 'ls -la' })),
    ]
    const calls: string[] = []
    for (let step = 0; step < 4; step++) {
      const final = await client.chat.completions
        .stream({ model: 'm', messages, tools: [EXECUTE_TOOL] })
        .finalChatCompletion()
      const choice = final.choices[0]!
      if (choice.finish_reason !== 'tool_calls') {
        expect(choice.message.content).toHaveLength(200)
        break
      }
      const call = choice.message.tool_calls![0]!
      expect(call.type).toBe('function')
      if (call.type !== 'function') throw new Error('expected a function call')
      expect(call.function.name).toBe('execute')
      calls.push(JSON.parse(call.function.arguments).command)
      messages.push({ role: 'assistant', content: null, tool_calls: [call] })
      messages.push({ role: 'tool', tool_call_id: call.id, content: 'total 0' })
    }
    expect(calls).toEqual(['ls -la', 'ls -la'])
  })

  it('answers with text when no tool is offered, whatever the control block says', async () => {
    const completion = await openaiClient(mock.url).chat.completions.create({
      model: 'm',
      messages: [user(control({ tool_calls_this_turn: 3 }))],
    })
    expect(completion.choices[0]!.finish_reason).toBe('stop')
  })

  it('lists models', async () => {
    const models = await openaiClient(mock.url).models.list()
    expect(models.data.map((m) => m.id)).toEqual(['scaletest-model'])
  })
})

describe('responses with the openai client', () => {
  it('streams typed events from response.created to response.completed', async () => {
    const stream = await openaiClient(mock.url).responses.create({
      model: 'gpt-5',
      input: [{ type: 'message', role: 'user', content: 'hello' }],
      stream: true,
    })
    const events = []
    for await (const event of stream) events.push(event)
    expect(events[0]!.type).toBe('response.created')
    expect(events.at(-1)!.type).toBe('response.completed')
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []))
    expect(deltas).toHaveLength(50)
    const completed = events.at(-1)!
    if (completed.type !== 'response.completed') throw new Error('unreachable')
    const message = completed.response.output[0]!
    if (message.type !== 'message' || message.content[0]!.type !== 'output_text')
      throw new Error('expected text')
    expect(message.content[0]!.text).toBe(deltas.join(''))
    expect(completed.response.usage).toMatchObject({ output_tokens: 50 })
  })

  it('answers without streaming, and with a function_call when a tool is offered', async () => {
    const client = openaiClient(mock.url)
    const text = await client.responses.create({ model: 'gpt-5', input: 'hello' })
    expect(text.status).toBe('completed')
    expect(text.output_text).toHaveLength(200)

    const stream = client.responses.stream({
      model: 'gpt-5',
      input: [{ role: 'user', content: control({ tool_calls_this_turn: 1, command: 'pwd' }) }],
      tools: [{ type: 'function', name: 'execute', parameters: {}, strict: false }],
    })
    const final = await stream.finalResponse()
    const call = final.output[0]!
    expect(call.type).toBe('function_call')
    if (call.type !== 'function_call') throw new Error('unreachable')
    expect(call.name).toBe('execute')
    expect(JSON.parse(call.arguments)).toEqual({ command: 'pwd' })
  })
})
