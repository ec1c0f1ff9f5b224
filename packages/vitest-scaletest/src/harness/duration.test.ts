import { describe, expect, it } from 'vitest'

import { formatDuration, parseDuration } from './duration.ts'

describe('Go durations', () => {
  it.each([
    [0, '0s'],
    [0.0005, '500ns'],
    [0.25, '250µs'],
    [1.5, '1.5ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1234.5678, '1.2345678s'],
    [60_000, '1m0s'],
    [125_500, '2m5.5s'],
    [3_723_000, '1h2m3s'],
  ])('formats %s ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it.each([
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['0', 0],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '30', 'abc', '5 m', '-1s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})
