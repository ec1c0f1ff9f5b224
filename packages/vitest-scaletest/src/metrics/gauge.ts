import { MetricsError } from './errors.ts'
import { checkLabels, labelKey, SeriesIndex } from './labels.ts'
import type { GaugeMerge, GaugeSnapshot, Labels } from './snapshot.ts'

export interface GaugeOptions {
  help?: string
  labelNames?: string[]
  /** How series from different tests combine in the reporter; default 'last' (newest set wins). */
  merge?: GaugeMerge
}

interface GaugeCell {
  labels: Labels
  value: number
  updatedAt: number
}

export class GaugeMetric {
  readonly type = 'gauge'
  readonly name: string
  readonly help: string
  readonly merge: GaugeMerge
  readonly #series = new Map<string, GaugeCell>()
  readonly #index = new SeriesIndex<GaugeCell>()
  #labelNames: string[] | undefined

  constructor(name: string, options: GaugeOptions = {}) {
    this.name = name
    this.help = options.help ?? name
    this.merge = options.merge ?? 'last'
    this.#labelNames = options.labelNames ? [...options.labelNames].sort() : undefined
  }

  set(value: number, labels?: Labels): void {
    if (!Number.isFinite(value)) {
      throw new MetricsError(
        'SCALETEST_GAUGE_VALUE',
        `gauge ${this.name}: cannot set ${value}; use a finite number`,
      )
    }
    const cell = this.#cell(labels)
    cell.value = value
    cell.updatedAt = Date.now()
  }

  inc(labels?: Labels, amount = 1): void {
    this.set(this.value(labels) + amount, labels)
  }

  dec(labels?: Labels, amount = 1): void {
    this.set(this.value(labels) - amount, labels)
  }

  value(labels?: Labels): number {
    return this.#series.get(labelKey(labels))?.value ?? 0
  }

  #cell(labels: Labels | undefined): GaugeCell {
    const indexed = this.#index.get(labels)
    if (indexed !== undefined) return indexed
    const key = labelKey(labels)
    let cell = this.#series.get(key)
    if (cell === undefined) {
      const checked = checkLabels(this.name, labels, this.#labelNames)
      this.#labelNames ??= Object.keys(checked)
      cell = { labels: checked, value: 0, updatedAt: 0 }
      this.#series.set(key, cell)
    }
    this.#index.set(cell.labels, cell)
    return cell
  }

  toJSON(): GaugeSnapshot {
    return {
      type: 'gauge',
      help: this.help,
      merge: this.merge,
      series: [...this.#series.values()].map((c) => ({
        labels: { ...c.labels },
        value: c.value,
        updatedAt: c.updatedAt,
      })),
    }
  }
}
