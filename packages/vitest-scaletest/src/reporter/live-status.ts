// The reporter's view of a run in progress: the merged data of finished tests plus what running
// tests sent in task.meta.scaletest.live, and the main latency metric's p99 over the last seconds.

import type { LiveTaskData } from '../live.ts'
import { MetricsAggregate } from '../metrics/aggregate.ts'
import { percentile } from '../metrics/series-stats.ts'
import type { MetricsSnapshot } from '../metrics/snapshot.ts'
import { isMetricsSnapshot } from '../metrics/snapshot.ts'
import { parseSelector } from '../metrics/threshold-parser.ts'

/** How far back the progress line's p99 looks. */
export const LATENCY_WINDOW_SECONDS = 10

function liveSnapshots(live: LiveTaskData[]): MetricsSnapshot[] {
  return live.map((l) => l.metrics).filter((m): m is MetricsSnapshot => isMetricsSnapshot(m))
}

/** Finished tests' aggregate plus the running tests' snapshots so far, merged into a new aggregate. */
export function liveAggregate(
  finished: MetricsAggregate,
  live: LiveTaskData[],
  warn: (message: string) => void,
): MetricsAggregate {
  const aggregate = new MetricsAggregate()
  if (finished.snapshots > 0) aggregate.add(finished.toJSON())
  for (const snapshot of liveSnapshots(live)) {
    try {
      aggregate.add(snapshot)
    } catch (error) {
      warn(`live data skipped: ${(error as Error).message}`)
    }
  }
  return aggregate
}

/**
 * The main latency metric: SCALETEST_MAIN_METRIC (option `mainMetric`), else the first histogram a
 * threshold names, else the histogram with the most samples.
 */
export function mainLatencyMetric(
  aggregate: MetricsAggregate,
  options: { mainMetric?: string | undefined; parsedThresholds: { metric: string }[] },
): string | undefined {
  if (options.mainMetric !== undefined) return options.mainMetric
  const named = [
    ...options.parsedThresholds.map((t) => t.metric),
    ...Object.keys(aggregate.thresholds).map((selector) => parseSelector(selector).metric),
  ]
  const histogram = named.find((name) => aggregate.metrics.get(name)?.type === 'histogram')
  if (histogram !== undefined) return histogram
  let best: { name: string; count: number } | undefined
  for (const [name, entry] of aggregate.metrics) {
    if (entry.type !== 'histogram') continue
    const count = [...entry.series.values()].reduce((n, c) => n + c.count, 0)
    if (best === undefined || count > best.count) best = { name, count }
  }
  return best?.name
}

/** p99 of the main latency metric over the intervals of the last LATENCY_WINDOW_SECONDS (all data without intervals). */
export function recentLatency(
  finished: MetricsAggregate,
  live: LiveTaskData[],
  options: { mainMetric?: string | undefined; parsedThresholds: { metric: string }[] },
  now: number,
): { metric: string; p99: number; windowSeconds: number } | undefined {
  const snapshots = liveSnapshots(live)
  const totals = new MetricsAggregate()
  if (finished.snapshots > 0) totals.add({ ...finished.toJSON(), intervals: [] })
  for (const s of snapshots) totals.add({ ...s, intervals: [] })
  for (const s of snapshots)
    for (const [selector, list] of Object.entries(s.thresholds ?? {})) totals.thresholds[selector] = list
  const metric = mainLatencyMetric(totals, options)
  if (metric === undefined) return undefined
  const cutoff = now - LATENCY_WINDOW_SECONDS * 1000
  const recent = new MetricsAggregate()
  for (const [start, bucket] of finished.intervals) if (start >= cutoff) recent.add(bucket.toJSON())
  for (const s of snapshots)
    for (const interval of s.intervals ?? [])
      if (interval.startedAt >= cutoff) recent.add({ version: 1, ...interval })
  const windowed = recent.snapshots > 0
  const source = windowed ? recent : totals
  const cell = source.combinedHistogram(metric, {})
  const entry = source.metrics.get(metric)
  if (cell === undefined || cell.count === 0 || entry?.type !== 'histogram') return undefined
  return {
    metric,
    p99: percentile(cell, 99, entry.resolution),
    windowSeconds: windowed ? LATENCY_WINDOW_SECONDS : Math.round(source.durationSeconds),
  }
}
