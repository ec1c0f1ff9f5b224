import type { CounterOptions } from './counter.ts'
import { CounterMetric } from './counter.ts'
import { MetricsError } from './errors.ts'
import type { GaugeOptions } from './gauge.ts'
import { GaugeMetric } from './gauge.ts'
import type { HistogramOptions } from './histogram.ts'
import { HistogramMetric } from './histogram.ts'
import { assertMetricName } from './labels.ts'
import type { MetricSnapshot, MetricsSnapshot } from './snapshot.ts'
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

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now
    this.#startedAt = this.#now()
  }

  readonly #now: () => number

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

  toJSON(): MetricsSnapshot {
    const metrics: Record<string, MetricSnapshot> = {}
    for (const [name, metric] of this.#metrics) metrics[name] = metric.toJSON()
    const snapshot: MetricsSnapshot = {
      version: 1,
      startedAt: this.#startedAt,
      endedAt: this.#now(),
      metrics,
    }
    if (Object.keys(this.#thresholds).length > 0) snapshot.thresholds = structuredClone(this.#thresholds)
    return snapshot
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
