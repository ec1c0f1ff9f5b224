// expect.extend matchers for harness results. Importing the package entry registers them.

import { expect } from 'vitest'

import type { HarnessResults } from './harness/results.ts'
import { TestHarness } from './harness/test-harness.ts'

interface MatcherResult {
  pass: boolean
  message: () => string
}

function toResults(received: unknown): HarnessResults {
  if (received instanceof TestHarness) return received.results()
  const r = received as Partial<HarnessResults> | null
  if (!r || typeof r !== 'object' || typeof r.total_fail !== 'number' || typeof r.runs !== 'object') {
    throw new TypeError('expected harness results (the value of `await harness.run()`) or a TestHarness')
  }
  return r as HarnessResults
}

function describeFailures(results: HarnessResults, max = 10): string {
  const failed = Object.values(results.runs).filter((run) => run.error !== null)
  const lines = failed.slice(0, max).map((run) => `  ${run.full_id}: ${run.error}`)
  if (failed.length > max) lines.push(`  … and ${failed.length - max} more`)
  if (results.total_dropped > 0) lines.push(`  dropped (not started): ${results.total_dropped}`)
  return lines.join('\n')
}

export const scaletestMatchers = {
  /** No run failed and none was dropped. */
  toHaveNoFailures(received: unknown): MatcherResult {
    const results = toResults(received)
    const pass = results.total_fail === 0 && results.total_dropped === 0
    return {
      pass,
      message: () =>
        pass
          ? `expected some failures, but all ${results.total_runs} runs passed`
          : `expected no failures, but ${results.total_fail} of ${results.total_runs} runs failed` +
            `${results.total_dropped ? ` and ${results.total_dropped} were dropped` : ''}:\n${describeFailures(results)}`,
    }
  },

  /** At most `budget` runs failed (dropped runs count as failures). */
  toHaveFailuresWithin(received: unknown, budget: number): MatcherResult {
    const results = toResults(received)
    const failures = results.total_fail + results.total_dropped
    const pass = failures <= budget
    return {
      pass,
      message: () =>
        pass
          ? `expected more than ${budget} failures, got ${failures} of ${results.total_runs + results.total_dropped}`
          : `expected at most ${budget} failures, got ${failures} of ${results.total_runs + results.total_dropped}:\n` +
            describeFailures(results),
    }
  },
}

expect.extend(scaletestMatchers)

declare module 'vitest' {
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> {
    /** No run failed and none was dropped. Accepts harness results or a TestHarness. */
    toHaveNoFailures(): R
    /** At most `budget` runs failed or were dropped. */
    toHaveFailuresWithin(budget: number): R
  }
}

export { expect }
