import type { CounterOptions } from './counter.ts'
import { CounterMetric } from './counter.ts'
import { MetricsError } from './errors.ts'
import type { GaugeOptions } from './gauge.ts'
import { GaugeMetric } from './gauge.ts'
import type { HistogramOptions } from './histogram.ts'
import { HistogramMetric } from './histogram.ts'
import { IntervalRecorder, type LiveMetrics } from './intervals.ts'
import { assertMetricName } from './labels.ts'
import type { Labels, MetricSnapshot, MetricsSnapshot } from './snapshot.ts'
import { parseThresholds } from './threshold-parser.ts'

type AnyMetric = HistogramMetric | CounterMetric | GaugeMetric

/**
 * Named histograms (HDR, 3 significant digits), counters and gauges with labels, for one test.
 * `toJSON()` is what travels to the reporter in `task.meta.scaletest.metrics`.
 */
export class MetricsRecorder {
  readonly #metrics = new Map<string, AnyMetric>()
  readonly #thresholds: Record<string, string[]> = {}
  readonly #startedAt: number

  readonly #now: () => number
  readonly #intervals: IntervalRecorder | undefined
  /** Back-dated observations (observeAt): all of them, and per interval start. */
  #backdated: { total: MetricsRecorder; byStart: Map<number, MetricsRecorder> } | undefined

  /**
   * `intervalMs` also keeps a time series: a cumulative snapshot every `intervalMs` (a timer that
   * never keeps the process alive), stored as per-interval differences in `toJSON().intervals`.
   */
  constructor(options: { now?: () => number; intervalMs?: number } = {}) {
    this.#now = options.now ?? Date.now
    this.#startedAt = this.#now()
    if (options.intervalMs !== undefined) {
      this.#intervals = new IntervalRecorder({
        intervalMs: options.intervalMs,
        read: () => this.#live(),
        now: this.#now,
      })
      this.#intervals.start()
    }
  }

  histogram(name: string, options?: HistogramOptions): HistogramMetric {
    return this.#getOrCreate(name, 'histogram', () => new HistogramMetric(name, options))
  }

  counter(name: string, options?: CounterOptions): CounterMetric {
    return this.#getOrCreate(name, 'counter', () => new CounterMetric(name, options))
  }

  gauge(name: string, options?: GaugeOptions): GaugeMetric {
    return this.#getOrCreate(name, 'gauge', () => new GaugeMetric(name, options))
  }

  /**
   * Declare thresholds for this scenario, e.g. `{ 'latency_seconds{type="smtp"}': ['p(99)<5'] }`.
   * Syntax errors throw here, at declaration. The reporter evaluates them on the merged run.
   */
  thresholds(config: Record<string, string[] | string>): this {
    for (const threshold of parseThresholds(config)) {
      const existing = this.#thresholds[threshold.selector] ?? []
      this.#thresholds[threshold.selector] = [...existing, ...threshold.expressions.map((e) => e.source)]
    }
    return this
  }

  /**
   * Observe `value` in histogram `name` (created with histogram() first) as if at `atMs` (epoch ms):
   * the totals get it as observe() would, the time series files it in the interval of `atMs`. For
   * latencies computed after the fact, e.g. from receipt times once the run is over.
   */
  observeAt(name: string, atMs: number, value: number, labels?: Labels): void {
    const histogram = this.#metrics.get(name)
    if (histogram?.type !== 'histogram')
      throw new MetricsError(
        'SCALETEST_METRIC_TYPE',
        `observeAt: ${name} is not a histogram of this recorder`,
      )
    histogram.observe(value, labels)
    const intervals = this.#intervals
    if (intervals === undefined || !Number.isFinite(atMs)) return
    if (this.#backdated === undefined) {
      const backdated = { total: new MetricsRecorder(), byStart: new Map<number, MetricsRecorder>() }
      this.#backdated = backdated
      intervals.setBackdated({
        read: () => backdated.total.#live(),
        intervals: () => new Map([...backdated.byStart].map(([start, r]) => [start, r.#cumulative()])),
      })
    }
    const options = { help: histogram.help, resolution: histogram.resolution, buckets: histogram.buckets }
    const start = Math.floor(atMs / intervals.intervalMs) * intervals.intervalMs
    let bucket = this.#backdated.byStart.get(start)
    if (bucket === undefined) {
      bucket = new MetricsRecorder()
      this.#backdated.byStart.set(start, bucket)
    }
    bucket.histogram(name, options).observe(value, labels)
    this.#backdated.total.histogram(name, options).observe(value, labels)
  }

  /** Stop taking interval snapshots (toJSON() still closes the current interval). */
  stopIntervals(): void {
    this.#intervals?.stop()
  }

  toJSON(): MetricsSnapshot {
    const metrics = this.#cumulative()
    const snapshot: MetricsSnapshot = {
      version: 1,
      startedAt: this.#startedAt,
      endedAt: this.#now(),
      metrics,
    }
    if (Object.keys(this.#thresholds).length > 0) snapshot.thresholds = structuredClone(this.#thresholds)
    if (this.#intervals !== undefined) {
      this.#intervals.tick()
      snapshot.intervalMs = this.#intervals.intervalMs
      snapshot.intervals = this.#intervals.toJSON()
    }
    return snapshot
  }

  /**
   * For the live view while the test runs: the totals so far and the last `maxIntervals` closed
   * intervals, without closing the current one.
   */
  liveSnapshot(maxIntervals = 60): MetricsSnapshot {
    const snapshot: MetricsSnapshot = {
      version: 1,
      startedAt: this.#startedAt,
      endedAt: this.#now(),
      metrics: this.#cumulative(),
    }
    if (Object.keys(this.#thresholds).length > 0) snapshot.thresholds = structuredClone(this.#thresholds)
    if (this.#intervals !== undefined) {
      snapshot.intervalMs = this.#intervals.intervalMs
      snapshot.intervals = this.#intervals.toJSON().slice(-maxIntervals)
    }
    return snapshot
  }

  #cumulative(): Record<string, MetricSnapshot> {
    const metrics: Record<string, MetricSnapshot> = {}
    for (const [name, metric] of this.#metrics) metrics[name] = metric.toJSON()
    return metrics
  }

  #live(): LiveMetrics {
    const metrics: LiveMetrics = {}
    for (const [name, metric] of this.#metrics)
      metrics[name] = metric.type === 'histogram' ? metric.live() : metric.toJSON()
    return metrics
  }

  #getOrCreate<T extends AnyMetric>(name: string, type: T['type'], create: () => T): T {
    const existing = this.#metrics.get(name)
    if (existing !== undefined) {
      if (existing.type !== type) {
        throw new MetricsError(
          'SCALETEST_METRIC_TYPE',
          `metric ${name} is already a ${existing.type}; it cannot also be a ${type}`,
        )
      }
      return existing as T
    }
    assertMetricName(name)
    const metric = create()
    this.#metrics.set(name, metric)
    return metric
  }
}
