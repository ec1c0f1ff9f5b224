import { describe, expect, it } from 'vitest'

import { formatGoDuration, mergeHarnessResults, readHarness } from './harness-results.ts'

describe('harness results', () => {
  it('merges totals and runs; elapsed spans the earliest start to the latest end', () => {
    const merged = mergeHarnessResults([
      {
        test: 'a',
        results: {
          total_runs: 2,
          total_pass: 1,
          total_fail: 1,
          elapsed_ms: 1000,
          runs: {
            'n/1': { started_at: '2026-01-01T00:00:00.000Z', duration_ms: 1000 },
            'n/2': { started_at: '2026-01-01T00:00:00.500Z', duration_ms: 200 },
          },
        },
      },
      {
        test: 'b',
        results: {
          total_runs: 1,
          total_pass: 1,
          total_fail: 0,
          elapsed_ms: 300,
          runs: { 'n/1': { started_at: '2026-01-01T00:00:02.000Z', duration_ms: 500 } },
        },
      },
    ])
    expect(merged).toMatchObject({
      total_runs: 3,
      total_pass: 2,
      total_fail: 1,
      elapsed_ms: 2500,
      elapsed: '2.5s',
    })
    expect(Object.keys(merged.runs)).toEqual(['n/1', 'n/2', 'b > n/1'])
  })

  it('skips entries that are not in Coder shape, saying why', () => {
    const warnings: string[] = []
    const read = readHarness(
      't',
      [{ total_runs: 1 }, { total_runs: 0, total_pass: 0, total_fail: 0, elapsed_ms: 0 }],
      (m) => warnings.push(m),
    )
    expect(read).toHaveLength(1)
    expect(warnings[0]).toMatch(/test "t": harness result 0 is not in Coder's shape.*total_pass/s)
  })

  it('formats durations like Go', () => {
    expect(formatGoDuration(0)).toBe('0s')
    expect(formatGoDuration(350)).toBe('350ms')
    expect(formatGoDuration(62_500)).toBe('1m2.5s')
    expect(formatGoDuration(3_600_000)).toBe('1h0m0s')
  })
})
