import { describe, expect, it } from 'vitest'

import { parseDurationMs, ReporterConfigError, resolveReporterOptions } from './options.ts'

describe('resolveReporterOptions', () => {
  it('takes defaults from the environment', () => {
    const o = resolveReporterOptions(
      {},
      {
        SCALETEST_OUTPUT_DIR: 'out/x',
        SCALETEST_PUSHGATEWAY_URL: 'http://127.0.0.1:9091',
        SCALETEST_PROMETHEUS_ADDRESS: '127.0.0.1:21112',
        SCALETEST_PROMETHEUS_WAIT: '2s',
      },
    )
    expect(o).toMatchObject({
      outputDir: 'out/x',
      pushgatewayUrl: 'http://127.0.0.1:9091',
      prometheusAddress: '127.0.0.1:21112',
      prometheusWaitMs: 2000,
      pushgatewayJob: 'scaletest',
      progress: 'auto',
    })
    expect(resolveReporterOptions({}, {})).toMatchObject({
      outputDir: 'scaletest-results',
      prometheusWaitMs: 15_000,
      progressIntervalMs: 10_000,
      baselineTolerancePct: 10,
      report: true,
    })
    expect(
      resolveReporterOptions(
        {},
        {
          SCALETEST_BASELINE: 'base/results.json',
          SCALETEST_BASELINE_TOLERANCE: '12.5%',
          SCALETEST_PROGRESS_INTERVAL: '500ms',
          SCALETEST_MAIN_METRIC: 'latency_seconds',
        },
      ),
    ).toMatchObject({
      baseline: 'base/results.json',
      baselineTolerancePct: 12.5,
      progressIntervalMs: 500,
      mainMetric: 'latency_seconds',
    })
    expect(() => resolveReporterOptions({}, { SCALETEST_BASELINE_TOLERANCE: 'ten' })).toThrow(
      /SCALETEST_BASELINE_TOLERANCE="ten" is not a percentage/,
    )
  })

  it('prefers explicit options over the environment', () => {
    expect(resolveReporterOptions({ outputDir: 'mine' }, { SCALETEST_OUTPUT_DIR: 'env' }).outputDir).toBe(
      'mine',
    )
  })

  it('names the bad variable or option', () => {
    expect(() => resolveReporterOptions({}, { SCALETEST_PROMETHEUS_WAIT: 'soon' })).toThrow(
      'SCALETEST_PROMETHEUS_WAIT="soon" is not a duration',
    )
    expect(() => resolveReporterOptions({}, { SCALETEST_PUSHGATEWAY_URL: 'not a url' })).toThrow(
      ReporterConfigError,
    )
    expect(() => resolveReporterOptions({ progress: 'sometimes' as never }, {})).toThrow(/progress/)
  })

  it('reads Go-style durations', () => {
    expect(parseDurationMs('X', '500ms')).toBe(500)
    expect(parseDurationMs('X', '15')).toBe(15_000)
    expect(parseDurationMs('X', '1.5m')).toBe(90_000)
  })
})

describe('SCALETEST_THRESHOLDS', () => {
  it('adds thresholds from JSON to the configured ones', () => {
    const resolved = resolveReporterOptions(
      { thresholds: { a_seconds: 'p(99)<1' } },
      { SCALETEST_THRESHOLDS: '{"b_total":["count==0"],"a_seconds":"p(50)<0.5"}' },
    )
    expect(resolved.parsedThresholds.map((t) => [t.selector, t.expressions.map((e) => e.source)])).toEqual([
      ['a_seconds', ['p(99)<1']],
      ['b_total', ['count==0']],
      ['a_seconds', ['p(50)<0.5']],
    ])
  })

  it('refuses what is not a map of selectors to expressions', () => {
    expect(() => resolveReporterOptions({}, { SCALETEST_THRESHOLDS: 'p99<1' })).toThrow(
      /SCALETEST_THRESHOLDS is not JSON/,
    )
    expect(() => resolveReporterOptions({}, { SCALETEST_THRESHOLDS: '{"a":[1]}' })).toThrow(
      /SCALETEST_THRESHOLDS must map selectors to expressions/,
    )
  })
})
