// Compare a run with an earlier one (SCALETEST_BASELINE=path/to/results.json): each histogram
// series' p50 and p99 change, flagged as a regression past the tolerance. The baseline's merged
// HDR snapshot also backs `change(...)` thresholds.
import { readFileSync } from 'node:fs'

import { MetricsAggregate } from '../metrics/aggregate.ts'
import { labelKey } from '../metrics/labels.ts'
import type { Labels, MetricsSnapshot } from '../metrics/snapshot.ts'
import { isMetricsSnapshot } from '../metrics/snapshot.ts'
import { ReporterConfigError } from './options.ts'

export interface Baseline {
  path: string
  startedAt: string | null
  aggregate: MetricsAggregate
  summary: SummaryLike
}

/** The `summary` of a results.json (from a file, so values may be null). */
export type SummaryLike = Record<
  string,
  { labels: Labels; stats: { p50?: number | null; p99?: number | null } | { value: number | null } }[]
>

export interface PercentileChange {
  baseline: number | null
  current: number | null
  /** Percent; null when either side has no value or the baseline is 0. */
  change_pct: number | null
}

export interface BaselineComparison {
  path: string
  baseline_started_at: string | null
  tolerance_pct: number
  regressions: number
  metrics: {
    metric: string
    labels: Labels
    p50: PercentileChange
    p99: PercentileChange
    /** p50 or p99 rose by more than the tolerance. */
    regression: boolean
  }[]
}

/** Read and check an earlier results.json; a clear error when it is missing or not one. */
export function loadBaseline(path: string): Baseline {
  let parsed: { started_at?: unknown; summary?: unknown; metrics?: unknown }
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ReporterConfigError(`SCALETEST_BASELINE=${path}: cannot read it: ${(error as Error).message}`)
  }
  if (typeof parsed?.summary !== 'object' || parsed.summary === null || !isMetricsSnapshot(parsed.metrics)) {
    throw new ReporterConfigError(
      `SCALETEST_BASELINE=${path}: not a scaletest results.json (needs "summary" and "metrics")`,
    )
  }
  const aggregate = new MetricsAggregate()
  const { intervals: _i, intervalMs: _m, ...totals } = parsed.metrics as MetricsSnapshot
  aggregate.add(totals)
  return {
    path,
    startedAt: typeof parsed.started_at === 'string' ? parsed.started_at : null,
    aggregate,
    summary: parsed.summary as Baseline['summary'],
  }
}

/** Per histogram series present in both runs: p50/p99 change and whether it regressed. */
export function compareWithBaseline(
  baseline: Baseline,
  current: SummaryLike,
  tolerancePct: number,
): BaselineComparison {
  const metrics: BaselineComparison['metrics'] = []
  for (const [metric, series] of Object.entries(current).sort(([a], [b]) => a.localeCompare(b))) {
    const before = new Map((baseline.summary[metric] ?? []).map((s) => [labelKey(s.labels), s.stats]))
    for (const { labels, stats } of series) {
      if (!('p99' in stats)) continue
      const old = before.get(labelKey(labels))
      if (old === undefined || !('p99' in old)) continue
      // Both are histogram stats here.
      const p50 = change(old.p50, stats.p50)
      const p99 = change(old.p99, stats.p99)
      const regression = [p50, p99].some((c) => c.change_pct !== null && c.change_pct > tolerancePct)
      metrics.push({ metric, labels, p50, p99, regression })
    }
  }
  return {
    path: baseline.path,
    baseline_started_at: baseline.startedAt,
    tolerance_pct: tolerancePct,
    regressions: metrics.filter((m) => m.regression).length,
    metrics,
  }
}

function change(baseline: number | null | undefined, current: number | null | undefined): PercentileChange {
  const b = typeof baseline === 'number' && Number.isFinite(baseline) ? baseline : null
  const c = typeof current === 'number' && Number.isFinite(current) ? current : null
  return {
    baseline: b,
    current: c,
    change_pct: b === null || c === null || b === 0 ? null : ((c - b) / b) * 100,
  }
}
