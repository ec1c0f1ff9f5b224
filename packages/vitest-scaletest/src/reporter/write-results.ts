import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import type { MetricsAggregate } from '../metrics/aggregate.ts'
import type { HistogramStats } from '../metrics/series-stats.ts'
import { histogramStats } from '../metrics/series-stats.ts'
import type { Labels, MetricsSnapshot } from '../metrics/snapshot.ts'
import type { ThresholdResult } from '../metrics/threshold-eval.ts'
import type { HarnessResults } from './harness-results.ts'

export interface TestEntry {
  name: string
  module: string
  state: string
  harness: HarnessResults[]
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
  /** The merged snapshot, HDR histograms included, so other tools can merge or re-query it. */
  metrics: MetricsSnapshot
}

export function buildResults(input: {
  startedAt: number
  endedAt: number
  harness: HarnessResults
  tests: TestEntry[]
  thresholds: ThresholdResult[]
  aggregate: MetricsAggregate
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
  return {
    version: 1,
    started_at: new Date(input.startedAt).toISOString(),
    ended_at: new Date(input.endedAt).toISOString(),
    elapsed_ms: input.endedAt - input.startedAt,
    harness: input.harness,
    tests: input.tests,
    thresholds: { ok: input.thresholds.every((r) => r.ok), results: input.thresholds },
    summary,
    metrics: input.aggregate.toJSON(),
  }
}

/** Write results.json and metrics.prom into `dir`; returns the paths written. */
export async function writeResultFiles(dir: string, results: ScaletestResults, prometheusText: string) {
  await mkdir(dir, { recursive: true })
  const json = join(dir, 'results.json')
  const prom = join(dir, 'metrics.prom')
  // NaN (empty histograms) is not JSON; write null instead.
  await writeFile(json, `${JSON.stringify(results, (_k, v) => (Number.isNaN(v) ? null : v), 2)}\n`)
  await writeFile(prom, prometheusText)
  return [json, prom]
}
