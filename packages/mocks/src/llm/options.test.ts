import { describe, expect, it } from 'vitest'

import { LlmMockConfigError, parseDuration, resolveLlmMockOptions } from './options.ts'

describe('options', () => {
  it('parses Go-style durations', () => {
    expect(parseDuration('0')).toBe(0)
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(parseDuration('1m30s')).toBe(90_000)
    expect(() => parseDuration('10')).toThrow(LlmMockConfigError)
    expect(() => parseDuration('1s junk')).toThrow(/invalid duration/)
  })

  it('defaults to 127.0.0.1, no faults, text answers', () => {
    expect(resolveLlmMockOptions()).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      faults: {},
      toolCallsPerTurn: 0,
    })
  })

  it('names each bad field', () => {
    expect(() => resolveLlmMockOptions({ faults: { reset: 0.7, '500': 0.6 } })).toThrow(
      /faults: fault probabilities sum to 1.3, above 1/,
    )
    expect(() => resolveLlmMockOptions({ responsePayloadSize: -1 })).toThrow(/responsePayloadSize/)
    // @ts-expect-error a typo in an option name is an error, not ignored
    expect(() => resolveLlmMockOptions({ artificialLatency: 5 })).toThrow(/artificialLatency/)
  })
})
