import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadBridgeConfig } from './config.ts'
import { generateConversation, prepareRequestBody } from './runner/request-body.ts'

describe('bridge config', () => {
  it("defaults to Coder's flag defaults and the LLM mock this run started", () => {
    expect(loadBridgeConfig({}, 'http://127.0.0.1:1234')).toEqual({
      concurrentUsers: 10,
      mode: 'direct',
      kind: 'completions',
      upstreamUrl: 'http://127.0.0.1:1234/v1/chat/completions',
      requestCount: 1,
      stream: false,
      requestPayloadSize: 1024,
      numMessages: 1,
      httpTimeoutMs: 30_000,
      noCleanup: false,
      openModel: undefined,
    })
  })

  it('reads every knob, and the older --provider names', () => {
    const config = loadBridgeConfig(
      {
        CODER_SCALETEST_BRIDGE_CONCURRENT_USERS: '64',
        CODER_SCALETEST_BRIDGE_MODE: 'bridge',
        CODER_SCALETEST_BRIDGE_PROVIDER: 'anthropic',
        CODER_SCALETEST_BRIDGE_REQUEST_COUNT: '5',
        CODER_SCALETEST_BRIDGE_STREAM: 'true',
        CODER_SCALETEST_BRIDGE_REQUEST_PAYLOAD_SIZE: '0',
        CODER_SCALETEST_BRIDGE_NUM_MESSAGES: '10',
        CODER_SCALETEST_BRIDGE_HTTP_TIMEOUT: '1m30s',
        CODER_SCALETEST_NO_CLEANUP: '1',
      },
      undefined,
    )
    expect(config).toMatchObject({
      concurrentUsers: 64,
      mode: 'bridge',
      kind: 'messages',
      requestCount: 5,
      stream: true,
      requestPayloadSize: 0,
      numMessages: 10,
      httpTimeoutMs: 90_000,
      noCleanup: true,
    })
    expect(
      loadBridgeConfig({ CODER_SCALETEST_BRIDGE_PROVIDER: 'responses' }, 'http://llm:8080'),
    ).toMatchObject({
      kind: 'responses',
      upstreamUrl: 'http://llm:8080/v1/responses',
    })
    expect(
      loadBridgeConfig(
        { CODER_SCALETEST_BRIDGE_UPSTREAM_URL: 'https://upstream.example/v1/messages' },
        undefined,
      ).upstreamUrl,
    ).toBe('https://upstream.example/v1/messages')
  })

  it('reports every bad variable at once, by name', () => {
    const load = () =>
      loadBridgeConfig(
        {
          CODER_SCALETEST_BRIDGE_CONCURRENT_USERS: '0',
          CODER_SCALETEST_BRIDGE_MODE: 'proxy',
          CODER_SCALETEST_BRIDGE_PROVIDER: 'gemini',
          CODER_SCALETEST_BRIDGE_REQUEST_COUNT: '1.5',
          CODER_SCALETEST_BRIDGE_STREAM: 'maybe',
          CODER_SCALETEST_BRIDGE_HTTP_TIMEOUT: '0s',
        },
        'http://127.0.0.1:1',
      )
    expect(load).toThrow(ConfigError)
    try {
      load()
    } catch (error) {
      expect((error as ConfigError).variables).toEqual([
        'CODER_SCALETEST_BRIDGE_CONCURRENT_USERS',
        'CODER_SCALETEST_BRIDGE_MODE',
        'CODER_SCALETEST_BRIDGE_PROVIDER',
        'CODER_SCALETEST_BRIDGE_REQUEST_COUNT',
        'CODER_SCALETEST_BRIDGE_STREAM',
        'CODER_SCALETEST_BRIDGE_HTTP_TIMEOUT',
      ])
      expect((error as Error).message).toMatch(/CONCURRENT_USERS="0": expected an integer >= 1/)
      expect((error as Error).message).toMatch(/MODE="proxy": expected one of bridge, direct/)
      expect((error as Error).message).toMatch(
        /PROVIDER="gemini": expected one of completions, responses, messages, openai, anthropic/,
      )
      expect((error as Error).message).toMatch(/STREAM="maybe": expected true or false/)
      expect((error as Error).message).toMatch(/HTTP_TIMEOUT="0s": expected a positive duration/)
    }
  })

  it('takes an arrival rate for the open model, with its duration and in-flight cap', () => {
    const env = { SCALETEST_BRIDGE_ARRIVAL_RATE: '50', SCALETEST_BRIDGE_DURATION: '2s' }
    expect(loadBridgeConfig(env, 'http://llm').openModel).toEqual({
      ratePerSecond: 50,
      durationMs: 2_000,
      maxInFlight: 512,
    })
    expect(() => loadBridgeConfig({ SCALETEST_BRIDGE_ARRIVAL_RATE: '-1' }, 'http://llm')).toThrow(
      /SCALETEST_BRIDGE_ARRIVAL_RATE="-1": expected requests per second/,
    )
    expect(() => loadBridgeConfig({ SCALETEST_BRIDGE_MAX_IN_FLIGHT: '0' }, 'http://llm')).toThrow(ConfigError)
    expect(() => loadBridgeConfig({ SCALETEST_BRIDGE_DURATION: '10' }, 'http://llm')).toThrow(
      /SCALETEST_BRIDGE_DURATION="10": expected a positive duration such as 500ms, 30s or 2m/,
    )
  })

  it('needs an upstream URL in direct mode only', () => {
    expect(() => loadBridgeConfig({}, undefined)).toThrow(
      /CODER_SCALETEST_BRIDGE_UPSTREAM_URL \(unset\): direct mode needs an http\(s\) URL/,
    )
    expect(loadBridgeConfig({ CODER_SCALETEST_BRIDGE_MODE: 'bridge' }, undefined)).toMatchObject({
      mode: 'bridge',
      upstreamUrl: '',
    })
    // A URL that is given must be one, in either mode.
    for (const mode of ['direct', 'bridge'])
      expect(() =>
        loadBridgeConfig(
          { CODER_SCALETEST_BRIDGE_MODE: mode, CODER_SCALETEST_BRIDGE_UPSTREAM_URL: 'ftp://x' },
          undefined,
        ),
      ).toThrow(/CODER_SCALETEST_BRIDGE_UPSTREAM_URL="ftp:\/\/x": expected an http\(s\) URL/)
  })
})

describe('request bodies as Coder builds them', () => {
  it('fills alternating messages, ending with the user, to about the payload size', () => {
    for (const kind of ['completions', 'responses', 'messages'] as const) {
      const messages = generateConversation(kind, 4096, 4) as { role: string }[]
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'user'])
      expect(JSON.stringify(messages).length).toBe(4096)
    }
  })

  it("builds each kind's body with its default model", () => {
    expect(
      JSON.parse(prepareRequestBody('completions', { stream: true, requestPayloadSize: 0, numMessages: 1 })),
    ).toEqual({
      model: 'gpt-4',
      messages: [{ role: 'user', content: 'Hello from the bridge load generator.' }],
      stream: true,
    })
    expect(
      JSON.parse(prepareRequestBody('responses', { stream: false, requestPayloadSize: 0, numMessages: 1 })),
    ).toEqual({
      model: 'gpt-5',
      input: [{ type: 'message', role: 'user', content: 'Hello from the bridge load generator.' }],
      stream: false,
    })
    const messages = JSON.parse(
      prepareRequestBody('messages', { stream: false, requestPayloadSize: 300, numMessages: 1 }),
    )
    expect(messages).toMatchObject({ model: 'claude-3-opus-20240229', max_tokens: 1024, stream: false })
    expect(messages.messages[0].content[0].text).toMatch(/^x+$/)
  })
})
