import type { MetricsAggregate } from './aggregate.ts'
import { formatLabels } from './labels.ts'
import { percentile } from './series-stats.ts'
import type { PlainAggregation, Threshold, ThresholdExpression } from './threshold-parser.ts'

export interface ThresholdResult {
  selector: string
  expression: string
  ok: boolean
  /** The measured value the expression was checked against; null when it could not be measured. */
  actual: number | null
  /** Set when the threshold failed without a measurement (unknown metric, no samples, wrong aggregation). */
  reason?: string
}

/**
 * Evaluate every expression of every threshold against the merged metrics of the run;
 * `change(...)` expressions against `baseline`, the merged metrics of an earlier run.
 */
export function evaluateThresholds(
  thresholds: Threshold[],
  aggregate: MetricsAggregate,
  baseline?: MetricsAggregate,
): ThresholdResult[] {
  return thresholds.flatMap((threshold) =>
    threshold.expressions.map((expression) => evaluateOne(threshold, expression, aggregate, baseline)),
  )
}

function evaluateOne(
  threshold: Threshold,
  expression: ThresholdExpression,
  aggregate: MetricsAggregate,
  baseline: MetricsAggregate | undefined,
) {
  const base = { selector: threshold.selector, expression: expression.source }
  const measured = measureChange(threshold, expression.aggregation, aggregate, baseline)
  if (typeof measured === 'string') return { ...base, ok: false, actual: null, reason: measured }
  return { ...base, ok: compare(measured, expression.operator, expression.bound), actual: measured }
}

function measureChange(
  threshold: Threshold,
  agg: ThresholdExpression['aggregation'],
  aggregate: MetricsAggregate,
  baseline: MetricsAggregate | undefined,
): number | string {
  if (agg.kind !== 'change') return measure(threshold, agg, aggregate)
  if (baseline === undefined)
    return 'no baseline to compare with: set SCALETEST_BASELINE=path/to/results.json'
  const now = measure(threshold, agg.of, aggregate)
  if (typeof now === 'string') return now
  const before = measure(threshold, agg.of, baseline)
  if (typeof before === 'string') return `baseline: ${before.replace('this run', 'the baseline run')}`
  if (before === 0) return now === 0 ? 0 : `baseline ${describe(agg.of)} is 0: no relative change`
  return ((now - before) / Math.abs(before)) * 100
}

/** The value of the expression's aggregation, or a reason why there is none. */
function measure(threshold: Threshold, agg: PlainAggregation, aggregate: MetricsAggregate): number | string {
  const { metric, labels } = threshold
  const entry = aggregate.metrics.get(metric)
  if (entry === undefined) return `metric ${metric} was not recorded in this run`
  const duration = aggregate.durationSeconds
  const where = `${metric}${formatLabels(labels)}`
  if (entry.type === 'histogram') {
    const cell = aggregate.combinedHistogram(metric, labels)!
    if (agg.kind === 'count') return cell.count
    if (agg.kind === 'rate') return duration > 0 ? cell.count / duration : 0
    if (cell.count === 0) return `no samples of ${where}`
    switch (agg.kind) {
      case 'percentile':
        return percentile(cell, agg.percentile, entry.resolution)
      case 'med':
        return percentile(cell, 50, entry.resolution)
      case 'avg':
        return cell.sum / cell.count
      case 'sum':
        return cell.sum
      case 'min':
        return cell.min
      case 'max':
        return cell.max
      default:
        return `${agg.kind} does not apply to histogram ${metric}; use p(N), avg, med, min, max, sum, count or rate`
    }
  }
  const values = [...entry.series.values()]
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .map((s) => s.value)
  const total = values.reduce((a, b) => a + b, 0)
  if (entry.type === 'counter') {
    if (agg.kind === 'count' || agg.kind === 'value' || agg.kind === 'sum') return total
    if (agg.kind === 'rate') return duration > 0 ? total / duration : 0
    return `${describe(agg)} does not apply to counter ${metric}; use count, rate or value`
  }
  if (values.length === 0) return `no samples of ${where}`
  if (agg.kind === 'value' || agg.kind === 'sum') return total
  if (agg.kind === 'min') return Math.min(...values)
  if (agg.kind === 'max') return Math.max(...values)
  if (agg.kind === 'avg') return total / values.length
  return `${describe(agg)} does not apply to gauge ${metric}; use value, min, max or avg`
}

function describe(agg: PlainAggregation): string {
  return agg.kind === 'percentile' ? `p(${agg.percentile})` : agg.kind
}

function compare(actual: number, operator: ThresholdExpression['operator'], bound: number): boolean {
  switch (operator) {
    case '<':
      return actual < bound
    case '<=':
      return actual <= bound
    case '>':
      return actual > bound
    case '>=':
      return actual >= bound
    case '==':
      return actual === bound
    case '!=':
      return actual !== bound
  }
}
