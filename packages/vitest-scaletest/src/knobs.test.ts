import { describe, expect, it } from 'vitest'
import { z } from 'zod'

import { ConfigError } from './errors.ts'
import { knob, parseKnobs } from './knobs.ts'

const schema = z.object({
  A_DURATION: knob.duration('2m', { minMs: 60_000 }),
  A_COUNT: knob.int(10, 1),
  A_RATIO: knob.number(0.5, (n) => n >= 0 && n <= 1, 'a ratio between 0 and 1'),
  A_MODE: knob.choice('auto', ['auto', 'on', 'off'] as const),
})

describe('knobs', () => {
  it('takes the defaults for unset or blank variables and parses the rest', () => {
    expect(parseKnobs(schema, { A_COUNT: ' ' }, 'test')).toEqual({
      A_DURATION: 120_000,
      A_COUNT: 10,
      A_RATIO: 0.5,
      A_MODE: 'auto',
    })
    expect(
      parseKnobs(schema, { A_DURATION: '90s', A_COUNT: '3', A_RATIO: '1', A_MODE: 'OFF' }, 'test'),
    ).toEqual({
      A_DURATION: 90_000,
      A_COUNT: 3,
      A_RATIO: 1,
      A_MODE: 'off',
    })
  })

  it('names every bad variable with its value in one ConfigError', () => {
    const env = { A_DURATION: '30s', A_COUNT: '2.5', A_RATIO: 'x', A_MODE: 'maybe' }
    let error: unknown
    try {
      parseKnobs(schema, env, 'test scenario')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).variables).toEqual(['A_DURATION', 'A_COUNT', 'A_RATIO', 'A_MODE'])
    expect((error as ConfigError).message).toBe(
      [
        'invalid test scenario configuration:',
        '  A_DURATION="30s": expected a duration of at least 60s, such as 500ms, 30s or 2m',
        '  A_COUNT="2.5": expected an integer >= 1',
        '  A_RATIO="x": expected a ratio between 0 and 1',
        '  A_MODE="maybe": expected one of auto, on, off',
      ].join('\n'),
    )
  })
})
