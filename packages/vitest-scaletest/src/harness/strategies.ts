// Execution strategies as values: how the harness starts its runs. A strategy gets the jobs (one per
// run, in add order) and the harness signal; it decides order and concurrency. Jobs never reject.

import { HarnessError, RunInterruptedError } from '../errors.ts'
import { formatDuration } from './duration.ts'

export interface JobContext {
  signal: AbortSignal
  /** performance.now() time the job was meant to start (arrival-rate strategies). */
  scheduledAt?: number
}

export type Job = (ctx: JobContext) => Promise<void>

export interface StrategyOutcome {
  /** Indexes (into the jobs array) of jobs deliberately not started, e.g. for an in-flight cap. */
  dropped: number[]
}

export interface Strategy {
  readonly name: string
  execute(jobs: readonly Job[], signal: AbortSignal): Promise<StrategyOutcome>
}

/** One job at a time, in order (Coder's concurrency 1). */
export function linear(): Strategy {
  return {
    name: 'linear',
    async execute(jobs, signal) {
      for (const job of jobs) {
        if (signal.aborted) break
        await job({ signal })
      }
      return { dropped: [] }
    },
  }
}

/** Every job at once (Coder's concurrency 0). */
export function concurrent(): Strategy {
  return {
    name: 'concurrent',
    async execute(jobs, signal) {
      await Promise.all(jobs.map((job) => job({ signal })))
      return { dropped: [] }
    },
  }
}

/** At most `limit` jobs in flight; the next starts when one finishes. */
export function parallel(limit: number): Strategy {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new HarnessError(
      'SCALETEST_INVALID_ARGUMENT',
      `parallel(limit): limit must be an integer >= 1, got ${limit}`,
    )
  }
  return {
    name: `parallel(${limit})`,
    async execute(jobs, signal) {
      let next = 0
      const worker = async () => {
        while (next < jobs.length && !signal.aborted) await jobs[next++]!({ signal })
      }
      await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker))
      return { dropped: [] }
    },
  }
}

/** Coder's --concurrency flag: 0 = concurrent, 1 = linear, n = parallel(n). */
export function fromConcurrency(concurrency: number): Strategy {
  if (concurrency === 0) return concurrent()
  if (concurrency === 1) return linear()
  return parallel(concurrency)
}

/** Each job gets its own deadline: its signal aborts (and the run fails) `timeoutMs` after it starts. */
export function withTimeout(strategy: Strategy, timeoutMs: number): Strategy {
  if (!(timeoutMs > 0)) return strategy
  return {
    name: `${strategy.name} with ${formatDuration(timeoutMs)} job timeout`,
    execute(jobs, signal) {
      const timed = jobs.map(
        (job): Job =>
          async (ctx) => {
            const deadline = new AbortController()
            const timer = setTimeout(
              () =>
                deadline.abort(
                  new RunInterruptedError(
                    'SCALETEST_JOB_TIMEOUT',
                    `run exceeded its job timeout of ${formatDuration(timeoutMs)}`,
                  ),
                ),
              timeoutMs,
            )
            try {
              await job({ ...ctx, signal: AbortSignal.any([ctx.signal, deadline.signal]) })
            } finally {
              clearTimeout(timer)
            }
          },
      )
      return strategy.execute(timed, signal)
    },
  }
}

/** Runs the jobs in a seeded random order: the same seed gives the same order every time. */
export function shuffle(strategy: Strategy, seed: number): Strategy {
  return {
    name: `shuffle(${strategy.name}, seed ${seed})`,
    async execute(jobs, signal) {
      const order = shuffledIndexes(jobs.length, seed)
      const outcome = await strategy.execute(
        order.map((i) => jobs[i]!),
        signal,
      )
      return { dropped: outcome.dropped.map((i) => order[i]!) }
    },
  }
}

/** Fisher–Yates over 0..n-1 with a mulberry32 generator seeded by `seed`. */
export function shuffledIndexes(n: number, seed: number): number[] {
  const random = mulberry32(seed)
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
