import { MetricsError } from './errors.ts'
import { checkLabels, labelKey, SeriesIndex } from './labels.ts'
import type { CounterSnapshot, Labels } from './snapshot.ts'

export interface CounterOptions {
  help?: string
  labelNames?: string[]
}

interface CounterCell {
  labels: Labels
  value: number
}

export class CounterMetric {
  readonly type = 'counter'
  readonly name: string
  readonly help: string
  readonly #series = new Map<string, CounterCell>()
  readonly #index = new SeriesIndex<CounterCell>()
  #labelNames: string[] | undefined

  constructor(name: string, options: CounterOptions = {}) {
    this.name = name
    this.help = options.help ?? name
    this.#labelNames = options.labelNames ? [...options.labelNames].sort() : undefined
  }

  /** `inc()`, `inc(n)`, `inc(labels)` or `inc(labels, n)`; n must be >= 0. */
  inc(labelsOrAmount?: Labels | number, amount = 1): void {
    const labels = typeof labelsOrAmount === 'object' ? labelsOrAmount : undefined
    const n = typeof labelsOrAmount === 'number' ? labelsOrAmount : amount
    if (!(n >= 0) || n === Number.POSITIVE_INFINITY) {
      throw new MetricsError(
        'SCALETEST_COUNTER_VALUE',
        `counter ${this.name}: cannot add ${n}; counters only go up`,
      )
    }
    this.#cell(labels).value += n
  }

  /** Current value of one label set, or the sum over all series when `labels` is omitted. */
  value(labels?: Labels): number {
    if (labels !== undefined) return this.#series.get(labelKey(labels))?.value ?? 0
    let total = 0
    for (const cell of this.#series.values()) total += cell.value
    return total
  }

  #cell(labels: Labels | undefined): CounterCell {
    const indexed = this.#index.get(labels)
    if (indexed !== undefined) return indexed
    const key = labelKey(labels)
    let cell = this.#series.get(key)
    if (cell === undefined) {
      const checked = checkLabels(this.name, labels, this.#labelNames)
      this.#labelNames ??= Object.keys(checked)
      cell = { labels: checked, value: 0 }
      this.#series.set(key, cell)
    }
    this.#index.set(cell.labels, cell)
    return cell
  }

  toJSON(): CounterSnapshot {
    return {
      type: 'counter',
      help: this.help,
      series: [...this.#series.values()].map((c) => ({ labels: { ...c.labels }, value: c.value })),
    }
  }
}
