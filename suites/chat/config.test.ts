import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadChatConfig, parseTargetRange, withControlBlock } from './config.ts'

describe('chat config', () => {
  it('defaults to Coder flag defaults and the LLM mock this run started', () => {
    const config = loadChatConfig({}, 'http://127.0.0.1:1234')
    expect(config).toMatchObject({
      chatsPerWorkspace: 1,
      prompt: 'Reply with one short sentence.',
      turns: 10,
      turnStartDelayMs: 0,
      toolCallsPerTurn: 0,
      llmMockUrl: 'http://127.0.0.1:1234/v1',
      providerPropagationWaitMs: 15_000,
      targetWorkspaces: undefined,
    })
  })

  it('reports every bad variable at once', () => {
    const load = () =>
      loadChatConfig(
        {
          CODER_SCALETEST_CHAT_CHATS_PER_WORKSPACE: '0',
          CODER_SCALETEST_CHAT_TURNS: 'x',
          CODER_SCALETEST_TARGET_WORKSPACES: '5:2',
          CODER_SCALETEST_CHAT_LLM_MOCK_URL: 'ftp://nope',
        },
        undefined,
      )
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(
      /CHATS_PER_WORKSPACE[\s\S]*TURNS[\s\S]*start value must be less than end value: 5 >= 2[\s\S]*LLM_MOCK_URL/,
    )
  })

  it("parses --target-workspaces with Coder's errors", () => {
    expect(parseTargetRange('0:10')).toEqual({ start: 0, end: 10 })
    expect(() => parseTargetRange('3')).toThrow('invalid target format: "3", expected "start:end"')
    expect(() => parseTargetRange('a:2')).toThrow('invalid start value "a"')
    expect(() => parseTargetRange('1:b')).toThrow('invalid end value "b"')
    expect(() => parseTargetRange('2:2')).toThrow('start value must be less than end value: 2 >= 2')
  })

  it('prefixes the control block only when tool calls are asked for', () => {
    expect(withControlBlock('hi', 0)).toBe('hi')
    expect(withControlBlock('hi', 2)).toBe(
      '<coder-scaletest-control>{"v":1,"tool_calls_this_turn":2,"tool":"execute","command":"echo scaletest"}</coder-scaletest-control>\nhi',
    )
  })
})
