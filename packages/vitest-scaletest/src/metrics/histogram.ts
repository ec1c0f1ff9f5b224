import { MetricsError } from './errors.ts'
import { encodeHdr } from './hdr.ts'
import { HdrCounts, MAX_HDR_UNITS } from './hdr-counts.ts'
import type { LiveHistogram } from './intervals.ts'
import { checkLabels, labelKey, SeriesIndex } from './labels.ts'
import type { HistogramCell, HistogramStats } from './series-stats.ts'
import { histogramStats, percentile } from './series-stats.ts'
import type { HistogramSnapshot, Labels } from './snapshot.ts'

export interface HistogramOptions {
  help?: string
  /** Value of one HDR unit; default 1e-6 for `*_seconds` (1 µs), else 1. */
  resolution?: number
  /** Prometheus bucket upper bounds for export; default suits seconds from 1 ms to 1 h. */
  buckets?: readonly number[]
  labelNames?: string[]
}

export const DEFAULT_SECONDS_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
]

/** One label set of a histogram; hold it (`histogram.labels({...})`) to skip the label lookup on hot paths. */
export class HistogramChild {
  readonly labels: Labels
  readonly buckets = new HdrCounts()
  count = 0
  sum = 0
  min = Number.POSITIVE_INFINITY
  max = Number.NEGATIVE_INFINITY
  readonly #metric: string
  readonly #perUnit: number

  constructor(metric: string, labels: Labels, resolution: number) {
    this.#metric = metric
    this.labels = labels
    this.#perUnit = 1 / resolution
  }

  observe(value: number): void {
    const units = Math.round(value * this.#perUnit)
    if (!(units >= 0 && units <= MAX_HDR_UNITS)) {
      throw new MetricsError(
        'SCALETEST_OBSERVE_VALUE',
        `histogram ${this.#metric}: cannot observe ${value}; values must be finite, >= 0 and below 2^53 units of ${1 / this.#perUnit}`,
      )
    }
    this.buckets.record(units)
    this.count++
    this.sum += value
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
  }
}

export class HistogramMetric {
  readonly type = 'histogram'
  readonly name: string
  readonly help: string
  readonly resolution: number
  readonly buckets: number[]
  readonly #series = new Map<string, HistogramChild>()
  readonly #index = new SeriesIndex<HistogramChild>()
  #labelNames: string[] | undefined

  constructor(name: string, options: HistogramOptions = {}) {
    this.name = name
    this.help = options.help ?? name
    this.resolution = options.resolution ?? (name.endsWith('_seconds') ? 1e-6 : 1)
    if (!(this.resolution > 0)) {
      throw new MetricsError('SCALETEST_HISTOGRAM_OPTIONS', `histogram ${name}: resolution must be > 0`)
    }
    this.buckets = [...(options.buckets ?? DEFAULT_SECONDS_BUCKETS)].sort((a, b) => a - b)
    this.#labelNames = options.labelNames ? [...options.labelNames].sort() : undefined
  }

  /** Record one value in the metric's unit (seconds for `*_seconds`). */
  observe(value: number, labels?: Labels): void {
    ;(this.#index.get(labels) ?? this.labels(labels)).observe(value)
  }

  /** Returns a function that observes the seconds elapsed since this call. */
  startTimer(labels?: Labels): () => number {
    const child = this.labels(labels)
    const start = process.hrtime.bigint()
    return () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9
      child.observe(seconds)
      return seconds
    }
  }

  labels(labels?: Labels): HistogramChild {
    const indexed = this.#index.get(labels)
    if (indexed !== undefined) return indexed
    const key = labelKey(labels)
    let child = this.#series.get(key)
    if (child === undefined) {
      const checked = checkLabels(this.name, labels, this.#labelNames)
      this.#labelNames ??= Object.keys(checked)
      child = new HistogramChild(this.name, checked, this.resolution)
      this.#series.set(key, child)
    }
    this.#index.set(child.labels, child)
    return child
  }

  /** count, sum, min, max, avg, p50..p99 over the series whose labels include `selector`. */
  stats(selector: Labels = {}): HistogramStats {
    return this.#read(selector, (cell) => histogramStats(cell, this.resolution))
  }

  /** Quantile `q` in [0, 1] over the matching series (NaN without samples), within HDR precision. */
  quantile(q: number, selector: Labels = {}): number {
    if (!(q >= 0 && q <= 1))
      throw new MetricsError('SCALETEST_QUANTILE', `histogram ${this.name}: quantile ${q} is not in [0, 1]`)
    return this.#read(selector, (cell) => percentile(cell, q * 100, this.resolution))
  }

  #read<T>(selector: Labels, read: (cell: HistogramCell) => T): T {
    const matching = this.series().filter((c) =>
      Object.entries(selector).every(([k, v]) => c.labels[k] === v),
    )
    const merged = new HdrCounts()
    const cell = { labels: selector, count: 0, sum: 0, min: Infinity, max: -Infinity }
    for (const child of matching) {
      merged.merge(child.buckets)
      cell.count += child.count
      cell.sum += child.sum
      cell.min = Math.min(cell.min, child.min)
      cell.max = Math.max(cell.max, child.max)
    }
    const hdr = merged.toHdr()
    try {
      return read({ ...cell, hdr })
    } finally {
      hdr.destroy()
    }
  }

  series(): HistogramChild[] {
    return [...this.#series.values()]
  }

  /** The series as they are now, bucket counts copied rather than encoded (for the interval recorder). */
  live(): LiveHistogram {
    return {
      type: 'histogram',
      help: this.help,
      resolution: this.resolution,
      buckets: this.buckets,
      series: this.series().map((s) => ({
        labels: s.labels,
        count: s.count,
        sum: s.sum,
        min: s.min,
        max: s.max,
        exact: true,
        counts: s.buckets.clone(),
      })),
    }
  }

  toJSON(): HistogramSnapshot {
    return {
      type: 'histogram',
      help: this.help,
      resolution: this.resolution,
      buckets: this.buckets,
      series: this.series().map((s) => ({
        labels: { ...s.labels },
        count: s.count,
        sum: s.sum,
        min: s.count === 0 ? 0 : s.min,
        max: s.count === 0 ? 0 : s.max,
        hdr: encodeChild(s),
      })),
    }
  }
}

function encodeChild(child: HistogramChild): string {
  const histogram = child.buckets.toHdr()
  const encoded = encodeHdr(histogram)
  histogram.destroy()
  return encoded
}
