// k6-like thresholds: a selector `metric{label="value",...}` and expressions `p(99)<5`, `max<30`,
// `count==0`. Grammar:
//   selector   := name [ '{' label '=' '"' value '"' { ',' label '=' '"' value '"' } '}' ]
//   expression := aggregation operator number
//   aggregation:= plain | 'change(' plain ')'      (change: percent against the baseline run)
//   plain      := 'p(' number ')' | 'avg' | 'min' | 'max' | 'med' | 'count' | 'sum' | 'rate' | 'value'
//   operator   := '<' | '<=' | '>' | '>=' | '==' | '!='
import { MetricsError } from './errors.ts'
import type { Labels } from './snapshot.ts'

export type PlainAggregation =
  | { kind: 'percentile'; percentile: number }
  | { kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'sum' | 'rate' | 'value' }

/** `change(agg)`: percent change of `agg` against the baseline run (SCALETEST_BASELINE). */
export type Aggregation = PlainAggregation | { kind: 'change'; of: PlainAggregation }

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!='

export interface ThresholdExpression {
  source: string
  aggregation: Aggregation
  operator: Operator
  bound: number
}

export interface Threshold {
  /** The selector as written, e.g. `latency_seconds{type="smtp"}`. */
  selector: string
  metric: string
  labels: Labels
  expressions: ThresholdExpression[]
}

export class ThresholdSyntaxError extends MetricsError {
  constructor(message: string) {
    super('SCALETEST_THRESHOLD_SYNTAX', message)
    this.name = 'ThresholdSyntaxError'
  }
}

const SELECTOR = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/
const EXPRESSION =
  /^\s*(p\(\s*([0-9]*\.?[0-9]+)\s*\)|avg|min|max|med|count|sum|rate|value)\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*$/i
const CHANGE =
  /^\s*change\(\s*(.+?)\s*\)\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*%?\s*$/i

export function parseSelector(selector: string): { metric: string; labels: Labels } {
  const match = SELECTOR.exec(selector)
  if (!match) {
    throw new ThresholdSyntaxError(
      `threshold selector ${JSON.stringify(selector)} is not valid: write metric_name or metric_name{label="value"}`,
    )
  }
  const labels: Labels = {}
  let rest = match[2] ?? ''
  while (rest.trim() !== '') {
    const m = MATCHER.exec(rest)
    if (!m) {
      throw new ThresholdSyntaxError(
        `threshold selector ${JSON.stringify(selector)}: cannot read label matcher at ${JSON.stringify(rest.trim())}; write label="value"`,
      )
    }
    labels[m[1]!] = JSON.parse(`"${m[2]}"`) as string
    rest = rest.slice(m[0].length)
  }
  return { metric: match[1]!, labels }
}

export function parseExpression(selector: string, source: string): ThresholdExpression {
  const change = typeof source === 'string' ? CHANGE.exec(source) : null
  if (change) {
    const inner = parseExpression(selector, `${change[1]}${change[2]}${change[3]}`)
    return {
      source: source.trim(),
      aggregation: { kind: 'change', of: inner.aggregation as PlainAggregation },
      operator: inner.operator,
      bound: inner.bound,
    }
  }
  const match = typeof source === 'string' ? EXPRESSION.exec(source) : null
  if (!match) {
    throw new ThresholdSyntaxError(
      `threshold ${JSON.stringify(source)} on ${selector} is not valid: write <aggregation><operator><number>, e.g. "p(99)<5", "max<=30", "count==0", "change(p(99))<10" (aggregations: p(N), avg, min, max, med, count, sum, rate, value; change(...) in percent against SCALETEST_BASELINE)`,
    )
  }
  const name = match[1]!.toLowerCase()
  let aggregation: Aggregation
  if (name.startsWith('p(')) {
    const percentile = Number(match[2])
    if (!(percentile > 0 && percentile <= 100)) {
      throw new ThresholdSyntaxError(
        `threshold ${JSON.stringify(source)} on ${selector}: percentile must be in (0, 100]`,
      )
    }
    aggregation = { kind: 'percentile', percentile }
  } else {
    aggregation = { kind: name as Exclude<PlainAggregation['kind'], 'percentile'> }
  }
  return { source: source.trim(), aggregation, operator: match[3] as Operator, bound: Number(match[4]) }
}

/** Parse a whole threshold map; throws ThresholdSyntaxError naming the first bad entry. */
export function parseThresholds(config: Record<string, string[] | string> | undefined): Threshold[] {
  if (config === undefined) return []
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ThresholdSyntaxError('thresholds must be an object: { "metric{label=\\"v\\"}": ["p(99)<5"] }')
  }
  return Object.entries(config).map(([selector, list]) => {
    const { metric, labels } = parseSelector(selector)
    const sources = typeof list === 'string' ? [list] : list
    if (!Array.isArray(sources) || sources.length === 0) {
      throw new ThresholdSyntaxError(`thresholds for ${selector} must be a non-empty array of expressions`)
    }
    return {
      selector: selector.trim(),
      metric,
      labels,
      expressions: sources.map((s) => parseExpression(selector, s)),
    }
  })
}
