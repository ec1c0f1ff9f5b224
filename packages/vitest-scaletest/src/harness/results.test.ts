import { describe, expect, it } from 'vitest'

import { buildResults, formatResultsText, type RunResult } from './results.ts'

const run = (id: string, error: string | null, durationMs: number, logs = ''): RunResult => ({
  full_id: `t/${id}`,
  test_name: 't',
  id,
  logs,
  started_at: '2026-01-01T00:00:00.000Z',
  duration: `${durationMs}ms`,
  duration_ms: durationMs,
  error,
  metrics: {},
})

describe('results', () => {
  it('builds Coder JSON totals keyed by full id', () => {
    const results = buildResults([run('a', null, 100), run('b', 'bad', 300)], ['t/c'], 1500)
    expect(results).toMatchObject({
      total_runs: 2,
      total_pass: 1,
      total_fail: 1,
      total_dropped: 1,
      elapsed: '1.5s',
      elapsed_ms: 1500,
      dropped: ['t/c'],
    })
    expect(Object.keys(results.runs)).toEqual(['t/a', 't/b'])
    expect(JSON.parse(JSON.stringify(results))).toEqual(results)
  })

  it('prints failed runs with their indented logs, then totals and average duration', () => {
    const text = formatResultsText(
      buildResults([run('a', null, 100), run('b', 'dial: refused', 300, 'line one\nline two\n')], [], 2000),
    )
    expect(text).toContain('== FAIL: t/b')
    expect(text).toContain('\tError: dial: refused')
    expect(text).toContain('\tLog:\n\t\tline one\n\t\tline two\n')
    expect(text).not.toContain('== FAIL: t/a')
    expect(text).toMatch(
      /Test results:\n\tPass: {2}1\n\tFail: {2}1\n\tTotal: 2\n\n\tTotal duration: 2s\n\tAvg\. duration: {2}200ms\n/,
    )
  })
})
