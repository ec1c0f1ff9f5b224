import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadChatConfig, withControlBlock } from './config.ts'

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
      /CHATS_PER_WORKSPACE="0": expected an integer >= 1\n.*TURNS="x": expected an integer >= 1\n.*LLM_MOCK_URL="ftp:\/\/nope": expected an http\(s\) URL.*\n.*TARGET_WORKSPACES="5:2": parse target workspaces: invalid target workspaces "5:2": end cannot be less than start/,
    )
    try {
      load()
    } catch (error) {
      expect((error as ConfigError).variables).toEqual([
        'CODER_SCALETEST_CHAT_CHATS_PER_WORKSPACE',
        'CODER_SCALETEST_CHAT_TURNS',
        'CODER_SCALETEST_CHAT_LLM_MOCK_URL',
        'CODER_SCALETEST_TARGET_WORKSPACES',
      ])
    }
  })

  it('reads durations as Coder does: the delays may be 0, the turn timeout may not', () => {
    const config = loadChatConfig(
      {
        CODER_SCALETEST_CHAT_TURN_START_DELAY: '250ms',
        CODER_SCALETEST_CHAT_PROVIDER_PROPAGATION_WAIT: '0s',
        CODER_SCALETEST_CHAT_TURN_TIMEOUT: '2m',
        CODER_SCALETEST_TARGET_WORKSPACES: '1:3',
        CODER_SCALETEST_TEMPLATE: ' docker ',
      },
      'http://llm',
    )
    expect(config).toMatchObject({
      turnStartDelayMs: 250,
      providerPropagationWaitMs: 0,
      turnTimeoutMs: 120_000,
      targetWorkspaces: { start: 1, end: 3 },
      template: 'docker',
    })
    expect(() => loadChatConfig({ CODER_SCALETEST_CHAT_TURN_TIMEOUT: '0s' }, 'http://llm')).toThrow(
      /TURN_TIMEOUT="0s": expected a positive duration/,
    )
    expect(() => loadChatConfig({ CODER_SCALETEST_CHAT_TURN_START_DELAY: 'soon' }, 'http://llm')).toThrow(
      /TURN_START_DELAY="soon": expected a duration such as/,
    )
  })

  it('needs an LLM URL: the one given, else the mock this run started', () => {
    expect(() => loadChatConfig({}, undefined)).toThrow(
      /CODER_SCALETEST_CHAT_LLM_MOCK_URL \(unset\): expected an http\(s\) URL/,
    )
    expect(
      loadChatConfig({ CODER_SCALETEST_CHAT_LLM_MOCK_URL: 'https://llm.example/v1' }, undefined).llmMockUrl,
    ).toBe('https://llm.example/v1')
  })

  it("parses --target-workspaces with Coder's errors", () => {
    const parseTargetRange = (raw: string) =>
      loadChatConfig({ CODER_SCALETEST_TARGET_WORKSPACES: raw }, 'http://127.0.0.1:9').targetWorkspaces
    expect(parseTargetRange('')).toBeUndefined()
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
