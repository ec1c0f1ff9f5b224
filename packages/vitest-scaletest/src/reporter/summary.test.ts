import { describe, expect, it } from 'vitest'

import { MetricsAggregate } from '../metrics/aggregate.ts'
import { MetricsRecorder } from '../metrics/recorder.ts'
import { formatNumber, formatSummary } from './summary.ts'

describe('formatSummary', () => {
  it('folds per-user labels, lists counters and threshold outcomes with measured values', () => {
    const recorder = new MetricsRecorder()
    const latency = recorder.histogram('delivery_latency_seconds')
    for (let i = 0; i < 300; i++) latency.observe((i + 1) / 100, { type: 'smtp', username: `user${i % 30}` })
    recorder.counter('delivery_errors_total').inc({ action: 'dial' }, 2)
    const aggregate = new MetricsAggregate()
    aggregate.add(recorder.toJSON())
    const text = formatSummary({
      aggregate,
      harness: { total_runs: 30, total_pass: 29, total_fail: 1, elapsed: '3s', elapsed_ms: 3000, runs: {} },
      thresholds: [
        { selector: 'delivery_errors_total', expression: 'count==0', ok: false, actual: 2 },
        {
          selector: 'x_total',
          expression: 'count==0',
          ok: false,
          actual: null,
          reason: 'metric x_total was not recorded in this run',
        },
      ],
      tests: { passed: 1, failed: 0, skipped: 0, withScaletest: 1 },
      files: [],
      maxLabelValues: 10,
    }).join('\n')
    expect(text).toContain('harness: 30 runs, 29 passed, 1 failed, elapsed 3s')
    expect(text).toMatch(/delivery_latency_seconds\{type="smtp"\}\s+300\s+1.5\s+2.701\s+2.851\s+2.972\s+3\n/)
    expect(text).toContain('(delivery_latency_seconds: username folded over 30 values)')
    expect(text).not.toContain('user1')
    expect(text).toContain('delivery_errors_total{action="dial"} 2')
    expect(text).toContain('✗ delivery_errors_total count==0 (measured 2)')
    expect(text).toContain('✗ x_total count==0 (metric x_total was not recorded in this run)')
  })

  it('formats numbers for people', () => {
    expect(formatNumber(Number.NaN)).toBe('-')
    expect(formatNumber(12)).toBe('12')
    expect(formatNumber(0.000123456)).toBe('0.0001235')
    expect(formatNumber(2.85912)).toBe('2.859')
  })
})
