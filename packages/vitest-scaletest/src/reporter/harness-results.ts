// Merge harness results (Coder's JSON shape) from many tests into one object of the same shape.
import { z } from 'zod'

const runSchema = z.looseObject({
  started_at: z.string().optional(),
  duration_ms: z.number().optional(),
})

export const harnessResultsSchema = z.looseObject({
  total_runs: z.number().int().min(0),
  total_pass: z.number().int().min(0),
  total_fail: z.number().int().min(0),
  elapsed: z.string().optional(),
  elapsed_ms: z.number().min(0),
  runs: z.record(z.string(), runSchema).default({}),
})

export type HarnessResults = z.infer<typeof harnessResultsSchema>

export interface HarnessFromTest {
  /** Full name of the test that produced the results, used to keep run ids unique. */
  test: string
  results: HarnessResults
}

/** Read `meta.scaletest.harness` entries, skipping (and reporting) ones that are not in Coder's shape. */
export function readHarness(test: string, raw: unknown[] | undefined, warn: (message: string) => void) {
  const out: HarnessFromTest[] = []
  for (const [i, entry] of (raw ?? []).entries()) {
    const parsed = harnessResultsSchema.safeParse(entry)
    if (parsed.success) out.push({ test, results: parsed.data })
    else
      warn(
        `test "${test}": harness result ${i} is not in Coder's shape (${z.prettifyError(parsed.error)}); skipped`,
      )
  }
  return out
}

/**
 * Totals are summed; elapsed is the wall clock from the earliest run start to the latest run end
 * when runs carry started_at and duration_ms, else the sum of the harnesses' elapsed times.
 */
export function mergeHarnessResults(entries: HarnessFromTest[]): HarnessResults {
  const merged: HarnessResults = { total_runs: 0, total_pass: 0, total_fail: 0, elapsed_ms: 0, runs: {} }
  let earliest = Number.POSITIVE_INFINITY
  let latest = Number.NEGATIVE_INFINITY
  let summedElapsed = 0
  for (const { test, results } of entries) {
    merged.total_runs += results.total_runs
    merged.total_pass += results.total_pass
    merged.total_fail += results.total_fail
    summedElapsed += results.elapsed_ms
    for (const [id, run] of Object.entries(results.runs)) {
      const key = id in merged.runs ? `${test} > ${id}` : id
      merged.runs[key] = run
      const start = run.started_at === undefined ? Number.NaN : Date.parse(run.started_at)
      if (Number.isFinite(start) && run.duration_ms !== undefined) {
        earliest = Math.min(earliest, start)
        latest = Math.max(latest, start + run.duration_ms)
      }
    }
  }
  merged.elapsed_ms = Number.isFinite(earliest) ? Math.max(0, latest - earliest) : summedElapsed
  merged.elapsed = formatGoDuration(merged.elapsed_ms)
  return merged
}

/** Like Go's time.Duration String() for millisecond values: 1m2.5s, 350ms, 0s. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s'
  if (ms < 1000) return `${ms}ms`
  const totalSeconds = ms / 1000
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = Number((totalSeconds % 60).toFixed(3))
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`
}
