// The serialisable form of a recorder: what a test leaves in task.meta.scaletest.metrics and
// what the reporter merges across tests, workers and shards. Plain JSON only.

export type Labels = Record<string, string>

export type MetricType = 'histogram' | 'counter' | 'gauge'

/** How gauge series from different tests combine when merged. */
export type GaugeMerge = 'last' | 'sum' | 'max' | 'min'

export interface HistogramSeries {
  labels: Labels
  count: number
  /** Exact sum, min and max of the observed values (in the metric's unit, e.g. seconds). */
  sum: number
  min: number
  max: number
  /** HdrHistogram V2 compressed base64 encoding of the values in units of `resolution`. */
  hdr: string
}

export interface CounterSeries {
  labels: Labels
  value: number
}

export interface GaugeSeries {
  labels: Labels
  value: number
  /** Epoch milliseconds of the last set(); 'last' merges keep the newest. */
  updatedAt: number
}

interface MetricBase {
  help: string
}

export interface HistogramSnapshot extends MetricBase {
  type: 'histogram'
  /** Value of one HDR unit in the metric's unit: 1e-6 means seconds are stored as microseconds. */
  resolution: number
  /** Upper bounds of the Prometheus buckets exported for this histogram. */
  buckets: number[]
  series: HistogramSeries[]
}

export interface CounterSnapshot extends MetricBase {
  type: 'counter'
  series: CounterSeries[]
}

export interface GaugeSnapshot extends MetricBase {
  type: 'gauge'
  merge: GaugeMerge
  series: GaugeSeries[]
}

export type MetricSnapshot = HistogramSnapshot | CounterSnapshot | GaugeSnapshot

export interface MetricsSnapshot {
  version: 1
  /** Epoch milliseconds: recorder creation and snapshot time (merged: earliest and latest). */
  startedAt: number
  endedAt: number
  metrics: Record<string, MetricSnapshot>
  /** Thresholds declared by the scenario (`recorder.thresholds()`), keyed by selector. */
  thresholds?: Record<string, string[]>
  /** Length of one time-series interval in ms, when intervals were recorded. */
  intervalMs?: number
  /** What changed in each interval (start on an epoch multiple of intervalMs), oldest first. */
  intervals?: IntervalSnapshot[]
}

/**
 * One interval of a time series: histograms and counters hold what was observed in it, gauges
 * their value at its end. startedAt/endedAt are the interval's bounds (epoch ms).
 */
export interface IntervalSnapshot {
  startedAt: number
  endedAt: number
  metrics: Record<string, MetricSnapshot>
}

export function emptySnapshot(now = Date.now()): MetricsSnapshot {
  return { version: 1, startedAt: now, endedAt: now, metrics: {} }
}

/** True when `value` looks like a snapshot written by MetricsRecorder.toJSON(). */
export function isMetricsSnapshot(value: unknown): value is MetricsSnapshot {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<MetricsSnapshot>
  return v.version === 1 && typeof v.metrics === 'object' && v.metrics !== null
}
