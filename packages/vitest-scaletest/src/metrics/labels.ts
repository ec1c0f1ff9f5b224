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
