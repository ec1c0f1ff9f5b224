import type { HdrHistogram } from './hdr.ts'
import { createHdr } from './hdr.ts'
import type { Labels } from './snapshot.ts'

/** A histogram series in merged form: live HDR plus exact count, sum, min and max. */
export interface HistogramCell {
  labels: Labels
  hdr: HdrHistogram
  count: number
  sum: number
  min: number
  max: number
}

export interface HistogramStats {
  count: number
  sum: number
  min: number
  max: number
  avg: number
  p50: number
  p90: number
  p95: number
  p99: number
}

export const SUMMARY_PERCENTILES = [50, 90, 95, 99] as const

/** Quantile of an HDR histogram in the metric's unit, clamped to the exact min and max. */
export function percentile(cell: HistogramCell, p: number, resolution: number): number {
  if (cell.count === 0) return Number.NaN
  if (p >= 100) return cell.max
  const value = cell.hdr.getValueAtPercentile(p) * resolution
  return Math.min(cell.max, Math.max(cell.min, value))
}

export function histogramStats(cell: HistogramCell, resolution: number): HistogramStats {
  return {
    count: cell.count,
    sum: cell.sum,
    min: cell.count === 0 ? Number.NaN : cell.min,
    max: cell.count === 0 ? Number.NaN : cell.max,
    avg: cell.count === 0 ? Number.NaN : cell.sum / cell.count,
    p50: percentile(cell, 50, resolution),
    p90: percentile(cell, 90, resolution),
    p95: percentile(cell, 95, resolution),
    p99: percentile(cell, 99, resolution),
  }
}

/** Merge several cells into a new one (the originals are untouched). */
export function combineCells(cells: HistogramCell[], labels: Labels): HistogramCell {
  const combined: HistogramCell = {
    labels,
    hdr: createHdr(),
    count: 0,
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  }
  for (const cell of cells) addCell(combined, cell)
  return combined
}

export function addCell(target: HistogramCell, source: Omit<HistogramCell, 'labels'>): void {
  target.hdr.add(source.hdr)
  target.count += source.count
  target.sum += source.sum
  if (source.count > 0) {
    target.min = Math.min(target.min, source.min)
    target.max = Math.max(target.max, source.max)
  }
}

interface RecordedValuesIterator {
  reset(): void
  hasNext(): boolean
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number }
}

/** Cumulative counts for Prometheus buckets (`le` upper bounds, in the metric's unit). */
export function cumulativeBuckets(cell: HistogramCell, bounds: number[], resolution: number): number[] {
  const perBound = new Array<number>(bounds.length).fill(0)
  const js = cell.hdr as unknown as {
    recordedValuesIterator: RecordedValuesIterator
    lowestEquivalentValue(v: number): number
  }
  const iterator = js.recordedValuesIterator
  iterator.reset()
  while (iterator.hasNext()) {
    const step = iterator.next()
    const value = js.lowestEquivalentValue(step.valueIteratedTo) * resolution
    const index = bounds.findIndex((bound) => value <= bound)
    if (index >= 0) perBound[index]! += step.countAtValueIteratedTo
  }
  for (let i = 1; i < perBound.length; i++) perBound[i]! += perBound[i - 1]!
  return perBound
}
