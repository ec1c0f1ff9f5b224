import { describe, expect, it } from 'vitest'

import { chatConversation, messagesConversation, responsesConversation } from './conversation.ts'
import { resolveLlmMockOptions } from './options.ts'
import { ControlBlockError, planReply, readControlBlock } from './reply-plan.ts'
import { messagesRequestSchema } from './schemas.ts'

const options = resolveLlmMockOptions({ toolCallsPerTurn: 1, responsePayloadSize: 8 })

describe('readControlBlock', () => {
  it('reads both spellings and strips the block from the text', () => {
    expect(
      readControlBlock('<scaletest-control>{"tool_calls_this_turn":2}</scaletest-control>\nhello'),
    ).toEqual({
      control: { tool_calls_this_turn: 2 },
      text: 'hello',
    })
    const upstream =
      '<coder-scaletest-control>{"v":1,"tool_calls_this_turn":1,"tool":"execute","command":"ls"}</coder-scaletest-control>\nx'
    expect(readControlBlock(upstream).control).toMatchObject({ tool: 'execute', command: 'ls' })
    expect(readControlBlock('no block').control).toBeUndefined()
  })

  it('rejects bad JSON and bad fields', () => {
    expect(() => readControlBlock('<scaletest-control>{</scaletest-control>')).toThrow(ControlBlockError)
    expect(() =>
      readControlBlock('<scaletest-control>{"tool_calls_this_turn":-1}</scaletest-control>'),
    ).toThrow(/tool_calls_this_turn/)
  })
})

describe('planReply', () => {
  it('counts tool calls since the last user turn, per API', () => {
    const chat = chatConversation({
      model: 'm',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', tool_calls: [{ type: 'function' }, { type: 'function' }] },
        { role: 'tool', content: 'ok' },
        { role: 'user', content: 'b' },
        { role: 'assistant', tool_calls: [{ type: 'function' }] },
      ],
      tools: [{ type: 'function', function: { name: 'execute' } }],
    })
    expect(chat).toMatchObject({ lastUserText: 'b', toolCallsThisTurn: 1, toolNames: ['execute'] })

    const anthropic = messagesConversation(
      messagesRequestSchema.parse({
        model: 'm',
        max_tokens: 1,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'go' }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'x', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't' }] },
        ],
        tools: [{ name: 'x' }],
      }),
    )
    expect(anthropic).toMatchObject({ lastUserText: 'go', toolCallsThisTurn: 1, toolNames: ['x'] })

    const responses = responsesConversation({
      model: 'm',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'q' }] },
        { type: 'function_call' },
        { type: 'function_call_output' },
      ],
      tools: [{ type: 'function', name: 'f' }],
    })
    expect(responses).toMatchObject({ lastUserText: 'q', toolCallsThisTurn: 1, toolNames: ['f'] })
  })

  it('offers no tools when tool_choice is none', () => {
    const tools = [{ type: 'function', function: { name: 'execute' } }]
    const messages = [{ role: 'user' as const, content: 'a' }]
    expect(chatConversation({ model: 'm', messages, tools, tool_choice: 'none' }).toolNames).toEqual([])
    expect(chatConversation({ model: 'm', messages, tools, tool_choice: 'auto' }).toolNames).toEqual([
      'execute',
    ])
    const anthropic = {
      model: 'm',
      max_tokens: 1,
      messages,
      tools: [{ name: 'x' }],
      tool_choice: { type: 'none' },
    }
    expect(messagesConversation(messagesRequestSchema.parse(anthropic)).toolNames).toEqual([])
  })

  it('calls the tool the control block names when offered, else the first one', () => {
    const conversation = (text: string) => ({
      lastUserText: text,
      toolCallsThisTurn: 0,
      toolNames: ['a', 'b'],
      promptChars: 1,
    })
    const named = planReply(
      conversation('<scaletest-control>{"tool_calls_this_turn":1,"tool":"b"}</scaletest-control>'),
      options,
    )
    expect(named).toMatchObject({ kind: 'tool', name: 'b', arguments: '{"command":"echo scaletest"}' })
    const unknown = planReply(conversation('<scaletest-control>{"tool":"zzz"}</scaletest-control>'), options)
    expect(unknown).toMatchObject({ kind: 'tool', name: 'a' })
    const done = planReply({ ...conversation('hi'), toolCallsThisTurn: 1 }, options)
    expect(done).toMatchObject({ kind: 'text', tokens: ['the ', 'load'] })
  })

  it('splits non-ASCII text by code point, never inside a surrogate pair', () => {
    const plan = planReply(
      { lastUserText: '😀😀😀😀😀', toolCallsThisTurn: 0, toolNames: [], promptChars: 5 },
      resolveLlmMockOptions({}),
    )
    if (plan.kind !== 'text') throw new Error('expected text')
    expect(plan.tokens.join('')).toBe(plan.text)
    expect(plan.tokens.some((t) => t.includes('😀😀'))).toBe(true)
    for (const token of plan.tokens) expect(token.isWellFormed()).toBe(true)
  })
})
