import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import type { MetricsAggregate } from '../metrics/aggregate.ts'
import type { HistogramStats } from '../metrics/series-stats.ts'
import { histogramStats } from '../metrics/series-stats.ts'
import type { Labels, MetricsSnapshot } from '../metrics/snapshot.ts'
import type { ThresholdResult } from '../metrics/threshold-eval.ts'
import type { BaselineComparison } from './baseline.ts'
import type { HarnessResults } from './harness-results.ts'
import type { Provenance } from './provenance.ts'
import { renderReport } from './report/render-report.ts'
import type { Distribution, TimeSeries } from './timeseries.ts'
import { buildDistributions, buildTimeSeries } from './timeseries.ts'

export interface TestEntry {
  name: string
  module: string
  state: string
  harness: HarnessResults[]
  /** Barriers of the test (the `barrier` fixture): arrivals and wait times in ms. */
  barriers?: BarrierSummary[]
}

export interface BarrierSummary {
  name: string
  size: number
  arrived: number
  left: number
  state: string
  opened_after_ms: number | null
  waits: { count: number; p50: number | null; p90: number | null; max: number | null }
}

export interface ScaletestResults {
  version: 1
  started_at: string
  ended_at: string
  elapsed_ms: number
  /** All harness results of the run merged, in Coder's shape. */
  harness: HarnessResults
  tests: TestEntry[]
  thresholds: { ok: boolean; results: ThresholdResult[] }
  /** Per metric and label set: count, sum, min, max, avg, p50, p90, p95, p99 (metric's unit). */
  summary: Record<string, { labels: Labels; stats: HistogramStats | { value: number } }[]>
  /** Per interval (SCALETEST_REPORT_INTERVAL): histogram count and p50/p90/p99, counter increase, gauge value. */
  timeseries?: TimeSeries
  /** Per histogram series: value at each percentile of DISTRIBUTION_PERCENTILES. */
  distributions: Record<string, Distribution[]>
  /** Scenario, knobs (secrets redacted), target, mocks, versions, git revision. */
  provenance?: Provenance
  /** p50/p99 change against SCALETEST_BASELINE, when set. */
  baseline?: BaselineComparison
  /** Only in the page served live during the run: runs so far (running tests included) and recent p99. */
  live?: {
    runs_started: number
    runs_passed: number
    runs_failed: number
    latency?: { metric: string; p99: number; window_seconds: number }
  }
  /** The merged snapshot, HDR histograms included (per interval too), so other tools can merge or re-query it. */
  metrics: MetricsSnapshot
}

export function buildResults(input: {
  startedAt: number
  endedAt: number
  harness: HarnessResults
  tests: TestEntry[]
  thresholds: ThresholdResult[]
  aggregate: MetricsAggregate
  provenance?: Provenance
  /** Compares the run's summary with a baseline. */
  compare?: (summary: ScaletestResults['summary']) => BaselineComparison
}): ScaletestResults {
  const summary: ScaletestResults['summary'] = {}
  for (const [name, entry] of input.aggregate.metrics) {
    summary[name] = [...entry.series.values()].map((s) =>
      entry.type === 'histogram'
        ? {
            labels: s.labels,
            stats: histogramStats(s as Parameters<typeof histogramStats>[0], entry.resolution),
          }
        : { labels: s.labels, stats: { value: (s as { value: number }).value } },
    )
  }
  const timeseries = buildTimeSeries(input.aggregate)
  return {
    version: 1,
    started_at: new Date(input.startedAt).toISOString(),
    ended_at: new Date(input.endedAt).toISOString(),
    elapsed_ms: input.endedAt - input.startedAt,
    harness: input.harness,
    tests: input.tests,
    thresholds: { ok: input.thresholds.every((r) => r.ok), results: input.thresholds },
    summary,
    ...(timeseries && { timeseries }),
    distributions: buildDistributions(input.aggregate),
    ...(input.provenance && { provenance: input.provenance }),
    ...(input.compare && { baseline: input.compare(summary) }),
    metrics: input.aggregate.toJSON(),
  }
}

/** results.json's text: NaN (empty histograms) is not JSON, so it is written as null. */
export function resultsJson(results: ScaletestResults, indent = 2): string {
  return JSON.stringify(results, (_k, v) => (Number.isNaN(v) ? null : v), indent)
}

/** Write results.json, metrics.prom and (unless `report` is false) report.html into `dir`; returns the paths written. */
export async function writeResultFiles(
  dir: string,
  results: ScaletestResults,
  prometheusText: string,
  options: { report?: boolean } = {},
) {
  await mkdir(dir, { recursive: true })
  const json = join(dir, 'results.json')
  const prom = join(dir, 'metrics.prom')
  await writeFile(json, `${resultsJson(results)}\n`)
  await writeFile(prom, prometheusText)
  if (options.report === false) return [json, prom]
  const html = join(dir, 'report.html')
  // The same data without indentation: a smaller page that parses faster.
  await writeFile(html, await renderReport(resultsJson(results, 0)))
  return [json, prom, html]
}
