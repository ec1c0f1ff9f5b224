// Time series on top of the snapshot API: every interval the recorder's cumulative snapshot is
// taken and the difference to the previous one is kept as that interval's snapshot. Intervals start
// on epoch multiples of the interval length, so the reporter merges the same interval of every
// test, worker and shard exactly, with the same code that merges the totals.

import { MetricsAggregate } from './aggregate.ts'
import { MetricsError } from './errors.ts'
import { encodeHdr } from './hdr.ts'
import type { HdrCounts } from './hdr-counts.ts'
import { labelKey } from './labels.ts'
import type {
  CounterSnapshot,
  GaugeSnapshot,
  HistogramSnapshot,
  IntervalSnapshot,
  Labels,
  MetricSnapshot,
} from './snapshot.ts'

export const DEFAULT_INTERVAL_MS = 1000

type Cumulative = Record<string, MetricSnapshot>

/**
 * A histogram series as a tick reads it: the exact totals and a copy of its bucket counts. A tick
 * subtracts the previous copy bucket by bucket and encodes only the difference, rather than encoding
 * the totals and decoding two snapshots to subtract them (that cost ~50 ms of CPU per histogram and
 * tick, ~7% of a 64-runner HTTP closed loop).
 */
export interface LiveHistogramSeries {
  labels: Labels
  count: number
  sum: number
  /** The totals' exact min and max; for a difference (`exact` false) bounds narrowed when encoded. */
  min: number
  max: number
  exact: boolean
  counts: HdrCounts
}

export interface LiveHistogram extends Omit<HistogramSnapshot, 'series'> {
  series: LiveHistogramSeries[]
}

/** What the interval recorder reads each tick: histograms live, counters and gauges as snapshots. */
export type LiveMetrics = Record<string, LiveHistogram | CounterSnapshot | GaugeSnapshot>

export interface IntervalRecorderOptions {
  /** Length of one interval in ms (>= 10). */
  intervalMs: number
  /** The recorder's cumulative metrics now. */
  read: () => LiveMetrics
  now?: () => number
}

/** What a back-dated observation goes through: the same histogram as the totals, in its own recorder. */
export interface BackdatedSink {
  /** Cumulative metrics of every back-dated observation, to leave out of the timed differences. */
  read(): LiveMetrics
  /** Per interval start: the back-dated observations that fell into it. */
  intervals(): Map<number, Cumulative>
}

/** Takes a cumulative snapshot at each interval boundary (unref'd timer) and keeps the differences. */
export class IntervalRecorder {
  readonly intervalMs: number
  readonly #read: () => LiveMetrics
  readonly #now: () => number
  readonly #deltas: IntervalSnapshot[] = []
  #previous: LiveMetrics = {}
  #previousAt: number
  #timer: NodeJS.Timeout | undefined
  #backdated: BackdatedSink | undefined

  constructor(options: IntervalRecorderOptions) {
    if (!(Number.isInteger(options.intervalMs) && options.intervalMs >= 10)) {
      throw new MetricsError(
        'SCALETEST_INTERVAL',
        `metrics interval ${options.intervalMs} ms: use a whole number of at least 10 ms`,
      )
    }
    this.intervalMs = options.intervalMs
    this.#read = options.read
    this.#now = options.now ?? Date.now
    this.#previousAt = this.#now()
  }

  /** Tick at every boundary until stop(); the timer never keeps the process alive. */
  start(): void {
    if (this.#timer !== undefined) return
    const schedule = () => {
      const now = this.#now()
      const next = (Math.floor(now / this.intervalMs) + 1) * this.intervalMs
      this.#timer = setTimeout(
        () => {
          this.tick()
          schedule()
        },
        next - now + 1,
      )
      this.#timer.unref()
    }
    schedule()
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** Observations the recorder files under their own time rather than the time they are made. */
  setBackdated(sink: BackdatedSink): void {
    this.#backdated = sink
  }

  /** Close the current interval: what changed since the last tick goes to the interval it began in. */
  tick(): void {
    const now = this.#now()
    const current = this.#timed()
    const start = Math.floor(this.#previousAt / this.intervalMs) * this.intervalMs
    const metrics = encodeLive(difference(this.#previous, current))
    if (Object.keys(metrics).length > 0)
      this.#deltas.push({ startedAt: start, endedAt: start + this.intervalMs, metrics })
    this.#previous = current
    this.#previousAt = now
  }

  /** The recorder's metrics without the back-dated observations. */
  #timed(): LiveMetrics {
    const current = this.#read()
    return this.#backdated === undefined ? current : difference(this.#backdated.read(), current)
  }

  /** The intervals so far, oldest first, one per start (two ticks in one interval are merged). */
  toJSON(): IntervalSnapshot[] {
    const byStart = new Map<number, IntervalSnapshot[]>()
    const backdated = [...(this.#backdated?.intervals() ?? [])].map(([startedAt, metrics]) => ({
      startedAt,
      endedAt: startedAt + this.intervalMs,
      metrics,
    }))
    for (const delta of [...this.#deltas, ...backdated]) {
      const list = byStart.get(delta.startedAt) ?? []
      list.push(delta)
      byStart.set(delta.startedAt, list)
    }
    return [...byStart.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, list]) => (list.length === 1 ? list[0]! : mergeOwnIntervals(list)))
  }
}

/** Several deltas of one recorder in the same interval: histograms and counters add, gauges keep the last. */
function mergeOwnIntervals(list: IntervalSnapshot[]): IntervalSnapshot {
  const aggregate = new MetricsAggregate()
  for (const delta of list) aggregate.add({ version: 1, ...delta })
  const { metrics } = aggregate.toJSON()
  for (const delta of list)
    for (const [name, metric] of Object.entries(delta.metrics))
      if (metric.type === 'gauge') metrics[name] = metric
  return { startedAt: list[0]!.startedAt, endedAt: list[0]!.endedAt, metrics }
}

/** current − previous for histograms and counters (series without change are left out); gauges as they are now. */
function difference(previous: LiveMetrics, current: LiveMetrics): LiveMetrics {
  const out: LiveMetrics = {}
  for (const [name, metric] of Object.entries(current)) {
    const before = previous[name]
    if (metric.type === 'gauge') {
      if (metric.series.length > 0) out[name] = metric
    } else if (metric.type === 'counter') {
      const old = new Map(
        (before as CounterSnapshot | undefined)?.series.map((s) => [labelKey(s.labels), s.value]),
      )
      const series = metric.series
        .map((s) => ({ labels: s.labels, value: s.value - (old.get(labelKey(s.labels)) ?? 0) }))
        .filter((s) => s.value !== 0)
      if (series.length > 0) out[name] = { ...metric, series }
    } else {
      const old = new Map((before as LiveHistogram | undefined)?.series.map((s) => [labelKey(s.labels), s]))
      const series: LiveHistogramSeries[] = []
      for (const s of metric.series) {
        const delta = histogramDelta(s, old.get(labelKey(s.labels)))
        if (delta !== undefined) series.push(delta)
      }
      if (series.length > 0) out[name] = { ...metric, series }
    }
  }
  return out
}

function histogramDelta(
  current: LiveHistogramSeries,
  previous: LiveHistogramSeries | undefined,
): LiveHistogramSeries | undefined {
  const count = current.count - (previous?.count ?? 0)
  if (count <= 0) return undefined
  if (previous === undefined || previous.count === 0) return current
  return {
    labels: current.labels,
    count,
    sum: current.sum - previous.sum,
    min: current.min,
    max: current.max,
    exact: false,
    counts: current.counts.minus(previous.counts),
  }
}

/** The snapshot form of live metrics: histogram buckets encoded, the min and max of a difference narrowed. */
function encodeLive(live: LiveMetrics): Cumulative {
  const out: Cumulative = {}
  for (const [name, metric] of Object.entries(live)) {
    if (metric.type !== 'histogram') {
      out[name] = metric
      continue
    }
    const resolution = metric.resolution
    out[name] = {
      ...metric,
      series: metric.series.map(({ labels, count, sum, min, max, exact, counts }) => {
        const hdr = counts.toHdr()
        try {
          if (exact) return { labels, count, sum, min, max, hdr: encodeHdr(hdr) }
          // The interval's own min and max are known to HDR precision only; kept inside the exact totals.
          const low = Math.max(min, hdr.minNonZeroValue * resolution)
          const high = Math.min(max, hdr.maxValue * resolution)
          return { labels, count, sum, min: Math.min(low, high), max: high, hdr: encodeHdr(hdr) }
        } finally {
          hdr.destroy()
        }
      }),
    }
  }
  return out
}
