import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { MetricsAggregate } from '../metrics/aggregate.ts'
import { MetricsRecorder } from '../metrics/recorder.ts'
import { evaluateThresholds } from '../metrics/threshold-eval.ts'
import { parseThresholds } from '../metrics/threshold-parser.ts'
import { compareWithBaseline, loadBaseline } from './baseline.ts'
import { ReporterConfigError } from './options.ts'
import { formatSummary } from './summary.ts'
import { buildResults, resultsJson } from './write-results.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scaletest-baseline-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A run whose smtp latencies are `scale` times 1..100 ms and websocket ones 1..100 ms. */
function run(scale: number) {
  const recorder = new MetricsRecorder()
  const latency = recorder.histogram('latency_seconds')
  for (let i = 1; i <= 100; i++) {
    latency.observe((i / 1000) * scale, { type: 'smtp' })
    latency.observe(i / 1000, { type: 'websocket' })
  }
  recorder.counter('errors_total').inc()
  const aggregate = new MetricsAggregate()
  aggregate.add(JSON.parse(JSON.stringify(recorder.toJSON())))
  return aggregate
}

function results(aggregate: MetricsAggregate) {
  return buildResults({
    startedAt: 0,
    endedAt: 1000,
    harness: { total_runs: 0, total_pass: 0, total_fail: 0, elapsed_ms: 0, runs: {} },
    tests: [],
    thresholds: [],
    aggregate,
  })
}

describe('baseline comparison', () => {
  it('flags the series whose p50 or p99 rose past the tolerance, and says so in the summary', async () => {
    const path = join(dir, 'results.json')
    await writeFile(path, resultsJson(results(run(1))))
    const baseline = loadBaseline(path)
    const current = run(1.5)
    const comparison = compareWithBaseline(baseline, results(current).summary, 10)

    expect(comparison.regressions).toBe(1)
    const [smtp, websocket] = comparison.metrics
    expect(smtp).toMatchObject({ metric: 'latency_seconds', labels: { type: 'smtp' }, regression: true })
    expect(smtp!.p99.change_pct).toBeCloseTo(50, 0)
    expect(websocket).toMatchObject({ labels: { type: 'websocket' }, regression: false })
    expect(websocket!.p50.change_pct).toBe(0)

    const lines = formatSummary({
      aggregate: current,
      harness: undefined,
      thresholds: [],
      tests: { passed: 1, failed: 0, skipped: 0, withScaletest: 1 },
      files: [],
      maxLabelValues: 10,
      baseline: comparison,
    }).join('\n')
    expect(lines).toContain(`baseline: ${path} (tolerance 10%): 1 regression(s)`)
    expect(lines).toMatch(/latency_seconds\{type="smtp"\} .*\+50\.\d% .*REGRESSION/)
  })

  it('lets change(...) thresholds fail on a regression against the baseline', async () => {
    const path = join(dir, 'results-change.json')
    await writeFile(path, resultsJson(results(run(1))))
    const baseline = loadBaseline(path).aggregate
    const thresholds = parseThresholds({
      'latency_seconds{type="smtp"}': ['change(p(99))<10%', 'change(med)<100'],
      'latency_seconds{type="websocket"}': ['change(p(99))<10'],
    })
    const measured = evaluateThresholds(thresholds, run(1.5), baseline)
    expect(measured.map((r) => [r.expression, r.ok])).toEqual([
      ['change(p(99))<10%', false],
      ['change(med)<100', true],
      ['change(p(99))<10', true],
    ])
    expect(measured[0]!.actual).toBeCloseTo(50, 0)
    const without = evaluateThresholds(thresholds, run(1.5))
    expect(without[0]).toMatchObject({
      ok: false,
      actual: null,
      reason: expect.stringMatching(/SCALETEST_BASELINE/),
    })
  })

  it('refuses a file that is not a results.json, naming it', async () => {
    const path = join(dir, 'not-results.json')
    await writeFile(path, '{"hello": 1}')
    expect(() => loadBaseline(path)).toThrow(ReporterConfigError)
    expect(() => loadBaseline(path)).toThrow(/not a scaletest results.json/)
    expect(() => loadBaseline(join(dir, 'missing.json'))).toThrow(/cannot read it/)
  })
})
