import { MetricsError } from './errors.ts'
import type { Labels } from './snapshot.ts'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const SEPARATOR = '\u0001'

export function assertMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) {
    throw new MetricsError(
      'SCALETEST_METRIC_NAME',
      `metric name ${JSON.stringify(name)} is not a Prometheus name: use letters, digits, '_' and ':', e.g. "delivery_latency_seconds"`,
    )
  }
}

/** A stable key for a label set; label order does not matter. Hot path: no array unless names are unsorted. */
export function labelKey(labels: Labels | undefined): string {
  if (labels === undefined) return ''
  let key = ''
  let previous = ''
  for (const name in labels) {
    if (name < previous) return sortedLabelKey(labels)
    previous = name
    key += `${name}${SEPARATOR}${labels[name]}${SEPARATOR}`
  }
  return key
}

function sortedLabelKey(labels: Labels): string {
  let key = ''
  for (const name of Object.keys(labels).sort()) key += `${name}${SEPARATOR}${labels[name]}${SEPARATOR}`
  return key
}

/** A frozen copy of a label set, validated once when its series is created. */
export function checkLabels(metric: string, labels: Labels | undefined, expectedNames?: string[]): Labels {
  const copy: Labels = {}
  const names = Object.keys(labels ?? {}).sort()
  for (const name of names) {
    const value = labels![name]
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw new MetricsError(
        'SCALETEST_LABEL_NAME',
        `metric ${metric}: label name ${JSON.stringify(name)} is not valid`,
      )
    }
    if (typeof value !== 'string') {
      throw new MetricsError(
        'SCALETEST_LABEL_VALUE',
        `metric ${metric}: label ${name} must be a string, got ${typeof value} (use String(x))`,
      )
    }
    copy[name] = value
  }
  if (expectedNames !== undefined && expectedNames.join(',') !== names.join(',')) {
    throw new MetricsError(
      'SCALETEST_LABEL_NAMES',
      `metric ${metric}: labels {${names.join(',')}} differ from the metric's labels {${expectedNames.join(',')}}; every series of a metric needs the same label names`,
    )
  }
  return Object.freeze(copy)
}

/** Prometheus selector text for a label set, e.g. {notification_type="smtp"}. */
export function formatLabels(labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

/**
 * Label set → series, for the hot path. Once the metric's label names are known, a lookup walks one
 * Map per label (keyed by the value, in sorted name order) after counting the object's keys: no key
 * string is built and nothing is allocated or sorted. Any miss (new series, missing, extra or
 * non-string labels) returns undefined, so the caller takes the validating slow path.
 */
export class SeriesIndex<T> {
  #names: string[] | undefined
  #empty: T | undefined
  readonly #root = new Map<unknown, unknown>()

  get(labels: Labels | undefined): T | undefined {
    const names = this.#names
    if (names === undefined) return undefined
    const last = names.length - 1
    if (labels === undefined) return last === -1 ? this.#empty : undefined
    let n = 0
    for (const _name in labels) n++
    if (n !== names.length) return undefined
    if (last === -1) return this.#empty
    let node = this.#root
    for (let i = 0; i < last; i++) {
      const next = node.get(labels[names[i]!]) as Map<unknown, unknown> | undefined
      if (next === undefined) return undefined
      node = next
    }
    return node.get(labels[names[last]!]) as T | undefined
  }

  /** Index a series by its checked (sorted, validated) labels. */
  set(checked: Labels, value: T): void {
    const names = Object.keys(checked)
    this.#names ??= names
    if (names.join(SEPARATOR) !== this.#names.join(SEPARATOR)) return
    const last = names.length - 1
    if (last === -1) {
      this.#empty = value
      return
    }
    let node = this.#root
    for (let i = 0; i < last; i++) {
      const value = checked[names[i]!]
      let next = node.get(value) as Map<unknown, unknown> | undefined
      if (next === undefined) {
        next = new Map()
        node.set(value, next)
      }
      node = next
    }
    node.set(checked[names[last]!], value)
  }
}
