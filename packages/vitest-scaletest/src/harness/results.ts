// Harness results in Coder's JSON shape (scaletest/harness/results.go) and its text summary.

import { formatDuration } from './duration.ts'

/** One run, keyed by full id in `HarnessResults.runs`. */
export interface RunResult {
  full_id: string
  test_name: string
  id: string
  logs: string
  /** RFC 3339 start time; for arrival-rate runs, the scheduled start. */
  started_at: string
  /** Go duration string, e.g. "1.25s". */
  duration: string
  duration_ms: number
  /** Null when the run passed. */
  error: string | null
  /** Values the runner reported from `metrics()`. */
  metrics: Record<string, unknown>
  /** How late the run started after its scheduled time (arrival-rate strategies only). */
  start_lag_ms?: number
}

export interface CleanupResults {
  total: number
  total_fail: number
  elapsed_ms: number
  /** Full id → error message of each cleanup that failed. */
  errors: Record<string, string>
}

export interface HarnessResults {
  total_runs: number
  total_pass: number
  total_fail: number
  /** Runs an arrival-rate strategy did not start because its in-flight cap was reached. */
  total_dropped: number
  elapsed: string
  elapsed_ms: number
  runs: Record<string, RunResult>
  /** Full ids of dropped runs (not part of `runs`). */
  dropped: string[]
  /** Set once the harness cleaned up. */
  cleanup?: CleanupResults
}

export function buildResults(
  runs: readonly RunResult[],
  dropped: readonly string[],
  elapsedMs: number,
): HarnessResults {
  const byId: Record<string, RunResult> = {}
  let fail = 0
  for (const run of runs) {
    byId[run.full_id] = run
    if (run.error !== null) fail++
  }
  return {
    total_runs: runs.length,
    total_pass: runs.length - fail,
    total_fail: fail,
    total_dropped: dropped.length,
    elapsed: formatDuration(elapsedMs),
    elapsed_ms: Math.round(elapsedMs),
    runs: byId,
    dropped: [...dropped],
  }
}

/** The text summary Coder's CLI prints: failed runs with their logs, then the totals. */
export function formatResultsText(results: HarnessResults): string {
  const out: string[] = []
  let totalMs = 0
  for (const run of Object.values(results.runs)) {
    totalMs += run.duration_ms
    if (run.error === null) continue
    out.push(`\n== FAIL: ${run.full_id}\n`, `\tError: ${run.error}\n`, '\tLog:')
    for (const line of run.logs.replace(/\n$/, '').split('\n')) out.push(`\t\t${line}`)
    out.push('')
  }
  const avgMs = results.total_runs > 0 ? totalMs / results.total_runs : 0
  out.push(
    '\nTest results:',
    `\tPass:  ${results.total_pass}`,
    `\tFail:  ${results.total_fail}`,
    `\tTotal: ${results.total_runs}`,
  )
  if (results.total_dropped > 0) out.push(`\tDropped: ${results.total_dropped}`)
  out.push('', `\tTotal duration: ${results.elapsed}`, `\tAvg. duration:  ${formatDuration(avgMs)}`)
  if (results.cleanup && results.cleanup.total_fail > 0) {
    out.push('', `\tCleanup failures: ${results.cleanup.total_fail} of ${results.cleanup.total}`)
    for (const [id, error] of Object.entries(results.cleanup.errors)) out.push(`\t\t${id}: ${error}`)
  }
  return `${out.join('\n')}\n`
}
