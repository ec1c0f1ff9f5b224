// What report.html draws, computed once from the merged HDR data: per interval count and
// percentiles of every histogram series, counter increments and gauge values, and each histogram's
// percentile distribution. Kept in results.json so a later tool can draw it without HDR decoding.

import type { MetricsAggregate } from '../metrics/aggregate.ts'
import { labelKey } from '../metrics/labels.ts'
import type { HistogramCell } from '../metrics/series-stats.ts'
import { percentile } from '../metrics/series-stats.ts'
import type { Labels, MetricType } from '../metrics/snapshot.ts'

export interface HistogramTimeSeries {
  labels: Labels
  count: number[]
  /** null where the interval had no samples. */
  p50: (number | null)[]
  p90: (number | null)[]
  p99: (number | null)[]
}

export interface ValueTimeSeries {
  labels: Labels
  /** Counters: the increase in the interval; gauges: the value at its end (null before the first set). */
  value: (number | null)[]
}

export interface TimeSeries {
  interval_ms: number
  /** Start of each interval, epoch ms; every series below has one entry per start. */
  starts: number[]
  metrics: Record<
    string,
    { type: MetricType; series: HistogramTimeSeries[] } | { type: MetricType; series: ValueTimeSeries[] }
  >
}

/** Percentiles of the distribution chart: dense towards the tail. */
export const DISTRIBUTION_PERCENTILES = [
  0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 97, 98, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100,
]

export interface Distribution {
  labels: Labels
  /** [percentile, value in the metric's unit] pairs, over DISTRIBUTION_PERCENTILES. */
  points: [number, number][]
}

export function buildTimeSeries(aggregate: MetricsAggregate): TimeSeries | undefined {
  if (aggregate.intervalMs === undefined) return undefined
  const intervalMs = aggregate.intervalMs
  const recorded = [...aggregate.intervals.keys()].sort((a, b) => a - b)
  if (recorded.length === 0) return undefined
  // Every interval from the first to the last, so quiet seconds show as zero, not as a gap.
  const starts: number[] = []
  for (let t = recorded[0]!; t <= recorded.at(-1)!; t += intervalMs) starts.push(t)
  const metrics: TimeSeries['metrics'] = {}
  for (const [name, entry] of aggregate.metrics) {
    const keys = [...entry.series.entries()].map(([key, s]) => ({ key, labels: s.labels }))
    if (entry.type === 'histogram') {
      const series = keys.map(({ labels }) => ({
        labels,
        count: [] as number[],
        p50: [] as (number | null)[],
        p90: [] as (number | null)[],
        p99: [] as (number | null)[],
      }))
      for (const start of starts) {
        const bucket = aggregate.intervals.get(start)?.metrics.get(name)
        keys.forEach(({ key }, i) => {
          const cell = bucket?.series.get(key) as HistogramCell | undefined
          const s = series[i]!
          const has = cell !== undefined && cell.count > 0
          s.count.push(has ? cell.count : 0)
          s.p50.push(has ? percentile(cell, 50, entry.resolution) : null)
          s.p90.push(has ? percentile(cell, 90, entry.resolution) : null)
          s.p99.push(has ? percentile(cell, 99, entry.resolution) : null)
        })
      }
      metrics[name] = { type: 'histogram', series }
    } else {
      const series = keys.map(({ labels }) => ({ labels, value: [] as (number | null)[] }))
      const last = keys.map(() => null as number | null)
      for (const start of starts) {
        const bucket = aggregate.intervals.get(start)?.metrics.get(name)
        keys.forEach(({ key }, i) => {
          const cell = bucket?.series.get(key) as { value: number } | undefined
          if (entry.type === 'counter') series[i]!.value.push(cell?.value ?? 0)
          else {
            if (cell !== undefined) last[i] = cell.value
            series[i]!.value.push(last[i]!)
          }
        })
      }
      metrics[name] = { type: entry.type, series }
    }
  }
  return { interval_ms: intervalMs, starts, metrics }
}

export function buildDistributions(aggregate: MetricsAggregate): Record<string, Distribution[]> {
  const out: Record<string, Distribution[]> = {}
  for (const [name, entry] of aggregate.metrics) {
    if (entry.type !== 'histogram') continue
    out[name] = [...entry.series.values()]
      .filter((cell) => cell.count > 0)
      .sort((a, b) => labelKey(a.labels).localeCompare(labelKey(b.labels)))
      .map((cell) => ({
        labels: cell.labels,
        points: DISTRIBUTION_PERCENTILES.map((p) => [
          p,
          p === 0 ? cell.min : percentile(cell, p, entry.resolution),
        ]),
      }))
  }
  return out
}
