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
      template: undefined,
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
      /CHATS_PER_WORKSPACE[\s\S]*TURNS[\s\S]*invalid target workspaces "5:2": end cannot be less than start[\s\S]*LLM_MOCK_URL/,
    )
  })

  it("parses --target-workspaces with Coder's errors", () => {
    expect(parseTargetRange('0:10')).toEqual({ start: 0, end: 10 })
    expect(parseTargetRange('3:4')).toEqual({ start: 3, end: 4 })
    const prefix = 'parse target workspaces: invalid target workspaces'
    expect(() => parseTargetRange('3')).toThrow(`${prefix} "3"`)
    expect(() => parseTargetRange('1:2:3')).toThrow(`${prefix} "1:2:3"`)
    expect(() => parseTargetRange('a:2')).toThrow(
      `${prefix} "a:2": strconv.Atoi: parsing "a": invalid syntax`,
    )
    expect(() => parseTargetRange('1:b')).toThrow(
      `${prefix} "1:b": strconv.Atoi: parsing "b": invalid syntax`,
    )
    expect(() => parseTargetRange('2:2')).toThrow(`${prefix} "2:2": start and end cannot be equal`)
    expect(() => parseTargetRange('5:2')).toThrow(`${prefix} "5:2": end cannot be less than start`)
    expect(() => parseTargetRange('-1:2')).toThrow(`${prefix} "-1:2": start cannot be negative`)
  })

  it('prefixes the control block only when tool calls are asked for', () => {
    expect(withControlBlock('hi', 0)).toBe('hi')
    expect(withControlBlock('hi', 2)).toBe(
      '<coder-scaletest-control>{"v":1,"tool_calls_this_turn":2,"tool":"execute","command":"echo scaletest"}</coder-scaletest-control>\nhi',
    )
  })
})
