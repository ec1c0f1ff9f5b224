import { describe, expect, it } from 'vitest'

import { CoderdSimulatorContainer } from './coderd-simulator-container.ts'
import { LlmMockContainer } from './llm-mock-container.ts'
import { DEFAULT_MOCKS_IMAGE, MockContainerConfigError, mocksImage } from './mocks-image.ts'
import { SmtpMockContainer } from './smtp-mock-container.ts'

describe('mock container setters', () => {
  it('reject bad values at once, naming the field', () => {
    expect(() => new LlmMockContainer().withArtificialLatency(-1)).toThrow(MockContainerConfigError)
    expect(() => new LlmMockContainer().withStreamDuration(200, 100)).toThrow(
      /maxStreamDurationMs: 100; expected >= minStreamDurationMs \(200\)/,
    )
    expect(() => new LlmMockContainer().withToolCallsPerTurn(1.5)).toThrow(/toolCallsPerTurn/)
    expect(() => new SmtpMockContainer().withPurgeAtCount(0)).toThrow(/purgeAtCount/)
    expect(() => new CoderdSimulatorContainer().withEmailSmarthost('smtp-mock')).toThrow(
      /emailSmarthost.*HOST:PORT/,
    )
    expect(() => new LlmMockContainer().withArgs('--seed', 7 as unknown as string)).toThrow(/args/)
    expect(() => new CoderdSimulatorContainer().withAiBridgeUpstream('llm-mock:8080')).toThrow(
      /aibridgeUpstream/,
    )
  })

  it("point the simulator's AI Bridge at an LLM mock by Coder's variables", () => {
    const coderd = new CoderdSimulatorContainer().withAiBridgeUpstream('http://llm-mock:8080/')
    expect((coderd as unknown as { environment: Record<string, string> }).environment).toMatchObject({
      CODER_AIBRIDGE_OPENAI_BASE_URL: 'http://llm-mock:8080/v1',
      CODER_AIBRIDGE_ANTHROPIC_BASE_URL: 'http://llm-mock:8080',
    })
  })

  it('accept good values fluently', () => {
    const llm = new LlmMockContainer()
      .withArtificialLatency(5)
      .withStreamDuration(10, 20)
      .withArgs('--seed', '7')
    expect(llm).toBeInstanceOf(LlmMockContainer)
  })
})

describe('mocksImage', () => {
  it('defaults to the locally built image and follows SCALETEST_MOCKS_IMAGE', () => {
    expect(mocksImage({})).toBe(DEFAULT_MOCKS_IMAGE)
    expect(mocksImage({ SCALETEST_MOCKS_IMAGE: 'registry.example.com/scaletest/mocks:1.2.3' })).toBe(
      'registry.example.com/scaletest/mocks:1.2.3',
    )
  })
})
