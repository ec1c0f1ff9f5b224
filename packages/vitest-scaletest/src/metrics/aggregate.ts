import { MetricsError } from './errors.ts'
import { decodeHdr, encodeHdr } from './hdr.ts'
import { labelKey } from './labels.ts'
import type { HistogramCell } from './series-stats.ts'
import { addCell, combineCells } from './series-stats.ts'
import type {
  CounterSeries,
  GaugeMerge,
  GaugeSeries,
  Labels,
  MetricSnapshot,
  MetricsSnapshot,
} from './snapshot.ts'

interface HistogramEntry {
  type: 'histogram'
  help: string
  resolution: number
  buckets: number[]
  series: Map<string, HistogramCell>
}
interface CounterEntry {
  type: 'counter'
  help: string
  series: Map<string, CounterSeries>
}
interface GaugeEntry {
  type: 'gauge'
  help: string
  merge: GaugeMerge
  series: Map<string, GaugeSeries>
}
export type AggregateEntry = HistogramEntry | CounterEntry | GaugeEntry

/**
 * Snapshots from many tests, workers and shards merged exactly: HDR histograms are added bucket
 * by bucket, counters summed, gauges combined by their merge rule.
 */
export class MetricsAggregate {
  readonly metrics = new Map<string, AggregateEntry>()
  readonly thresholds: Record<string, string[]> = {}
  startedAt = Number.POSITIVE_INFINITY
  endedAt = Number.NEGATIVE_INFINITY
  snapshots = 0
  /** Time series: one aggregate per interval start (epoch ms), merged like the totals. */
  readonly intervals = new Map<number, MetricsAggregate>()
  intervalMs: number | undefined

  add(snapshot: MetricsSnapshot): void {
    if (snapshot.intervals !== undefined && snapshot.intervals.length > 0) {
      if (this.intervalMs !== undefined && snapshot.intervalMs !== this.intervalMs) {
        throw new MetricsError(
          'SCALETEST_MERGE_INTERVAL',
          `cannot merge time series: interval ${this.intervalMs} ms in one test, ${snapshot.intervalMs} ms in another (SCALETEST_REPORT_INTERVAL)`,
        )
      }
      this.intervalMs = snapshot.intervalMs
      for (const interval of snapshot.intervals) {
        let bucket = this.intervals.get(interval.startedAt)
        if (bucket === undefined) {
          bucket = new MetricsAggregate()
          this.intervals.set(interval.startedAt, bucket)
        }
        bucket.add({ version: 1, ...interval })
      }
    }
    this.snapshots++
    this.startedAt = Math.min(this.startedAt, snapshot.startedAt)
    this.endedAt = Math.max(this.endedAt, snapshot.endedAt)
    for (const [name, metric] of Object.entries(snapshot.metrics)) this.#addMetric(name, metric)
    for (const [selector, list] of Object.entries(snapshot.thresholds ?? {})) {
      const existing = this.thresholds[selector] ?? []
      this.thresholds[selector] = [...existing, ...list.filter((e) => !existing.includes(e))]
    }
  }

  /** Seconds between the earliest recorder start and the latest snapshot (0 when empty). */
  get durationSeconds(): number {
    return this.snapshots === 0 ? 0 : Math.max(0, (this.endedAt - this.startedAt) / 1000)
  }

  /** Series of `name` whose labels include every pair of `selector`. */
  select(name: string, selector: Labels): { entry: AggregateEntry; labels: Labels[] } | undefined {
    const entry = this.metrics.get(name)
    if (entry === undefined) return undefined
    const matching = [...entry.series.values()]
      .map((s) => s.labels)
      .filter((labels) => Object.entries(selector).every(([k, v]) => labels[k] === v))
    return { entry, labels: matching }
  }

  /** One histogram cell combining every series of `name` that matches `selector`. */
  combinedHistogram(name: string, selector: Labels): HistogramCell | undefined {
    const entry = this.metrics.get(name)
    if (entry?.type !== 'histogram') return undefined
    const cells = [...entry.series.values()].filter((c) =>
      Object.entries(selector).every(([k, v]) => c.labels[k] === v),
    )
    return combineCells(cells, selector)
  }

  toJSON(): MetricsSnapshot {
    const metrics: Record<string, MetricSnapshot> = {}
    for (const [name, entry] of [...this.metrics].sort(([a], [b]) => a.localeCompare(b))) {
      if (entry.type === 'histogram') {
        metrics[name] = {
          type: 'histogram',
          help: entry.help,
          resolution: entry.resolution,
          buckets: entry.buckets,
          series: [...entry.series.values()].map((c) => ({
            labels: c.labels,
            count: c.count,
            sum: c.sum,
            min: c.count === 0 ? 0 : c.min,
            max: c.count === 0 ? 0 : c.max,
            hdr: encodeHdr(c.hdr),
          })),
        }
      } else if (entry.type === 'counter') {
        metrics[name] = { type: 'counter', help: entry.help, series: [...entry.series.values()] }
      } else {
        metrics[name] = {
          type: 'gauge',
          help: entry.help,
          merge: entry.merge,
          series: [...entry.series.values()],
        }
      }
    }
    const snapshot: MetricsSnapshot = {
      version: 1,
      startedAt: this.snapshots === 0 ? 0 : this.startedAt,
      endedAt: this.snapshots === 0 ? 0 : this.endedAt,
      metrics,
    }
    if (Object.keys(this.thresholds).length > 0) snapshot.thresholds = this.thresholds
    if (this.intervalMs !== undefined) {
      snapshot.intervalMs = this.intervalMs
      snapshot.intervals = [...this.intervals]
        .sort(([a], [b]) => a - b)
        .map(([, bucket]) => {
          const { startedAt, endedAt, metrics: m } = bucket.toJSON()
          return { startedAt, endedAt, metrics: m }
        })
    }
    return snapshot
  }

  #addMetric(name: string, metric: MetricSnapshot): void {
    const existing = this.metrics.get(name)
    if (existing !== undefined && existing.type !== metric.type) {
      throw new MetricsError(
        'SCALETEST_MERGE_TYPE',
        `cannot merge metric ${name}: it is a ${existing.type} in one test and a ${metric.type} in another`,
      )
    }
    if (metric.type === 'histogram') this.#addHistogram(name, existing as HistogramEntry | undefined, metric)
    else if (metric.type === 'counter') {
      const entry: CounterEntry = (existing as CounterEntry | undefined) ?? {
        type: 'counter',
        help: metric.help,
        series: new Map(),
      }
      this.metrics.set(name, entry)
      for (const s of metric.series) {
        const key = labelKey(s.labels)
        const cell = entry.series.get(key)
        if (cell) cell.value += s.value
        else entry.series.set(key, { labels: s.labels, value: s.value })
      }
    } else {
      const entry: GaugeEntry = (existing as GaugeEntry | undefined) ?? {
        type: 'gauge',
        help: metric.help,
        merge: metric.merge,
        series: new Map(),
      }
      this.metrics.set(name, entry)
      for (const s of metric.series) {
        const key = labelKey(s.labels)
        const cell = entry.series.get(key)
        if (!cell) entry.series.set(key, { ...s })
        else {
          cell.value = mergeGauge(entry.merge, cell, s)
          cell.updatedAt = Math.max(cell.updatedAt, s.updatedAt)
        }
      }
    }
  }

  #addHistogram(
    name: string,
    existing: HistogramEntry | undefined,
    metric: MetricSnapshot & { type: 'histogram' },
  ) {
    if (existing !== undefined && existing.resolution !== metric.resolution) {
      throw new MetricsError(
        'SCALETEST_MERGE_RESOLUTION',
        `cannot merge histogram ${name}: resolution ${existing.resolution} in one test, ${metric.resolution} in another`,
      )
    }
    const entry: HistogramEntry = existing ?? {
      type: 'histogram',
      help: metric.help,
      resolution: metric.resolution,
      buckets: metric.buckets,
      series: new Map(),
    }
    this.metrics.set(name, entry)
    for (const s of metric.series) {
      const key = labelKey(s.labels)
      const source = { ...s, hdr: decodeHdr(s.hdr) }
      const cell = entry.series.get(key)
      if (cell) {
        addCell(cell, source)
        source.hdr.destroy()
      } else
        entry.series.set(key, {
          ...source,
          labels: s.labels,
          min: s.count === 0 ? Infinity : s.min,
          max: s.count === 0 ? -Infinity : s.max,
        })
    }
  }
}

function mergeGauge(rule: GaugeMerge, a: GaugeSeries, b: GaugeSeries): number {
  if (rule === 'sum') return a.value + b.value
  if (rule === 'max') return Math.max(a.value, b.value)
  if (rule === 'min') return Math.min(a.value, b.value)
  return b.updatedAt >= a.updatedAt ? b.value : a.value
}
