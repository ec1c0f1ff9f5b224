import type { MetricsAggregate } from '../metrics/aggregate.ts'
import { groupSeries } from '../metrics/group-series.ts'
import { formatLabels } from '../metrics/labels.ts'
import type { HistogramCell } from '../metrics/series-stats.ts'
import { histogramStats } from '../metrics/series-stats.ts'
import type { ThresholdResult } from '../metrics/threshold-eval.ts'
import type { BaselineComparison } from './baseline.ts'
import type { HarnessResults } from './harness-results.ts'

export interface SummaryInput {
  aggregate: MetricsAggregate
  harness: HarnessResults | undefined
  thresholds: ThresholdResult[]
  tests: { passed: number; failed: number; skipped: number; withScaletest: number }
  files: string[]
  maxLabelValues: number
  baseline?: BaselineComparison | undefined
}

const COLUMNS = ['count', 'p50', 'p90', 'p95', 'p99', 'max'] as const

/** The end-of-run console summary as lines of plain text. */
export function formatSummary(input: SummaryInput): string[] {
  const { aggregate, harness } = input
  const lines = ['', 'scaletest summary']
  const t = input.tests
  lines.push(
    `  tests: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${t.withScaletest} with scaletest data)`,
  )
  if (harness) {
    lines.push(
      `  harness: ${harness.total_runs} runs, ${harness.total_pass} passed, ${harness.total_fail} failed, elapsed ${harness.elapsed}`,
    )
  }
  const histograms: string[][] = []
  const counters: string[] = []
  const gauges: string[] = []
  for (const [name, entry] of [...aggregate.metrics].sort(([a], [b]) => a.localeCompare(b))) {
    const { groups, aggregatedLabels } = groupSeries(entry, input.maxLabelValues)
    const note = aggregatedLabels.map((l) => `${l.name} folded over ${l.distinct} values`).join(', ')
    for (const { labels, value } of groups) {
      const id = `${name}${formatLabels(labels)}`
      if (entry.type === 'histogram') {
        const s = histogramStats(value as HistogramCell, entry.resolution)
        histograms.push([id, String(s.count), ...[s.p50, s.p90, s.p95, s.p99, s.max].map(formatNumber)])
      } else {
        ;(entry.type === 'counter' ? counters : gauges).push(`    ${id} ${formatNumber(value as number)}`)
      }
    }
    if (note === '') continue
    if (entry.type === 'histogram') histograms.push([`  (${name}: ${note})`])
    else (entry.type === 'counter' ? counters : gauges).push(`      (${name}: ${note})`)
  }
  if (histograms.length > 0) lines.push('  histograms:', ...table(['metric', ...COLUMNS], histograms))
  if (counters.length > 0) lines.push('  counters (errors, missed, ...):', ...counters)
  if (gauges.length > 0) lines.push('  gauges:', ...gauges)
  if (input.thresholds.length > 0) {
    lines.push('  thresholds:')
    for (const r of input.thresholds) lines.push(`    ${formatThresholdResult(r)}`)
  }
  if (input.baseline !== undefined) lines.push(...formatBaseline(input.baseline))
  if (input.files.length > 0) lines.push(`  written: ${input.files.join(', ')}`)
  return lines
}

function formatBaseline(b: BaselineComparison): string[] {
  const lines = [`  baseline: ${b.path} (tolerance ${b.tolerance_pct}%): ${b.regressions} regression(s)`]
  const pct = (c: number | null) => (c === null ? '-' : `${c >= 0 ? '+' : ''}${c.toFixed(1)}%`)
  const rows = b.metrics.map((m) => [
    `${m.metric}${formatLabels(m.labels)}`,
    `${formatNumber(m.p50.baseline ?? Number.NaN)} → ${formatNumber(m.p50.current ?? Number.NaN)}`,
    pct(m.p50.change_pct),
    `${formatNumber(m.p99.baseline ?? Number.NaN)} → ${formatNumber(m.p99.current ?? Number.NaN)}`,
    pct(m.p99.change_pct),
    m.regression ? 'REGRESSION' : '',
  ])
  if (rows.length > 0) lines.push(...table(['metric', 'p50', 'change', 'p99', 'change', ''], rows))
  return lines
}

export function formatThresholdResult(r: ThresholdResult): string {
  const mark = r.ok ? '✓' : '✗'
  const measured = r.actual === null ? r.reason : `measured ${formatNumber(r.actual)}`
  return `${mark} ${r.selector} ${r.expression} (${measured})`
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => r.length > 1).map((r) => r[i]!.length)),
  )
  const render = (cells: string[]) =>
    `    ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`
  return [render(header), ...rows.map((r) => (r.length === 1 ? `  ${r[0]}` : render(r)))]
}

/** Up to 4 significant digits, no exponent for latencies from 1 µs and ordinary counts. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return '-'
  if (Number.isInteger(value)) return String(value)
  const abs = Math.abs(value)
  if (abs >= 1e-6 && abs < 1e9) return String(Number(value.toPrecision(4)))
  return value.toExponential(3)
}
