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

  it('reads http(s) URLs, optional or required, and text through a parser whose error is the message', () => {
    const urls = z.object({
      A_URL: knob.url('http://127.0.0.1:1/v1'),
      AN_OPTIONAL_URL: knob.url('', { optional: true }),
      A_RANGE: knob.parsed((raw) => {
        if (raw === '') return undefined
        const [start, end] = raw.split(':').map(Number)
        if (!(start! < end!)) throw new Error(`"${raw}" is not START:END with START < END`)
        return { start, end }
      }),
    })
    expect(parseKnobs(urls, {}, 'test')).toEqual({
      A_URL: 'http://127.0.0.1:1/v1',
      AN_OPTIONAL_URL: '',
      A_RANGE: undefined,
    })
    expect(
      parseKnobs(urls, { A_URL: ' https://x.example ', AN_OPTIONAL_URL: 'http://y', A_RANGE: '1:3' }, 'test'),
    ).toEqual({ A_URL: 'https://x.example', AN_OPTIONAL_URL: 'http://y', A_RANGE: { start: 1, end: 3 } })
    expect(() =>
      parseKnobs(urls, { A_URL: 'ftp://x', AN_OPTIONAL_URL: 'not a url', A_RANGE: '3:1' }, 'test'),
    ).toThrow(
      [
        'invalid test configuration:',
        '  A_URL="ftp://x": expected an http(s) URL such as http://localhost:8080',
        '  AN_OPTIONAL_URL="not a url": expected an http(s) URL such as http://localhost:8080',
        '  A_RANGE="3:1": "3:1" is not START:END with START < END',
      ].join('\n'),
    )
    // A required URL with nothing to fall back on names the variable as unset.
    expect(() => parseKnobs(z.object({ A_URL: knob.url() }), {}, 'test')).toThrow(
      'invalid test configuration:\n  A_URL (unset): expected an http(s) URL such as http://localhost:8080',
    )
  })

  it('reports problems between knobs once every knob has parsed, in the same shape', () => {
    const modes = z.object({
      A_MODE: knob.choice('auto', ['auto', 'manual'] as const),
      A_TARGET: knob.string(),
    })
    const check = (v: z.infer<typeof modes>) =>
      v.A_MODE === 'manual' && v.A_TARGET === ''
        ? [{ variable: 'A_TARGET', message: 'manual mode needs a target' }]
        : []
    expect(parseKnobs(modes, { A_MODE: 'manual', A_TARGET: 'x' }, 'test', check)).toEqual({
      A_MODE: 'manual',
      A_TARGET: 'x',
    })
    let error: unknown
    try {
      parseKnobs(modes, { A_MODE: 'manual' }, 'test', check)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).variables).toEqual(['A_TARGET'])
    expect((error as ConfigError).message).toBe(
      'invalid test configuration:\n  A_TARGET (unset): manual mode needs a target',
    )
    // A knob that does not parse is reported alone: the check never sees half-parsed values.
    expect(() => parseKnobs(modes, { A_MODE: 'sometimes' }, 'test', check)).toThrow(
      'invalid test configuration:\n  A_MODE="sometimes": expected one of auto, manual',
    )
  })
})
