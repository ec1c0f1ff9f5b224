// TestHarness: collects runs, executes them with a strategy, cleans up the ones that started and
// reports results in Coder's JSON shape. Misuse throws at once; run failures become data.

import { HarnessError, RunInterruptedError } from '../errors.ts'
import type { HttpClientOptions } from '../http/http-client.ts'
import { ownsPosition, type ShardIdentity } from '../shard/identity.ts'
import { formatDuration } from './duration.ts'
import { buildResults, type CleanupResults, type HarnessResults } from './results.ts'
import type { Runner } from './runner.ts'
import { type Job, linear, type Strategy, withTimeout } from './strategies.ts'
import { TestRun } from './test-run.ts'

export interface TestHarnessOptions {
  /** Strategy of run() when none is passed. Default linear(). */
  strategy?: Strategy
  /** Strategy of the cleanup pass. Default linear() (Coder's cleanup concurrency 1). */
  cleanupStrategy?: Strategy
  /** Per-run time limit (wraps the strategy); 0 = none. */
  jobTimeoutMs?: number
  /** Whole run() time limit; 0 = none. */
  timeoutMs?: number
  /** Per-cleanup and whole cleanup-pass limits; 0 = none. */
  cleanupJobTimeoutMs?: number
  cleanupTimeoutMs?: number
  /** Interrupts every run when aborted (the fixture passes the Vitest test's signal). */
  signal?: AbortSignal
  /** Defaults for each run's ctx.http() client. */
  http?: HttpClientOptions
  /** Redacted from run logs. */
  secrets?: readonly string[]
  /** Tee: receives every run log message (redacted, without timestamp) as it is written. */
  onLog?: (fullId: string, line: string) => void
  /** Keep only this shard's share of the runs added (every n-th, see shard/identity.ts). */
  shard?: ShardIdentity
}

export interface HarnessRunOptions {
  strategy?: Strategy
  timeoutMs?: number
  jobTimeoutMs?: number
  signal?: AbortSignal
}

export type HarnessState = 'idle' | 'running' | 'done'

export class TestHarness {
  readonly #options: TestHarnessOptions
  readonly #runs = new Map<string, TestRun>()
  readonly #interrupt = new AbortController()
  #state: HarnessState = 'idle'
  #running: Promise<HarnessResults> | undefined
  #results: HarnessResults | undefined
  #cleaning: Promise<CleanupResults> | undefined
  #cleanup: CleanupResults | undefined
  #offered = 0

  constructor(options: TestHarnessOptions = {}) {
    this.#options = options
  }

  get state(): HarnessState {
    return this.#state
  }

  /** Number of runs added. */
  get size(): number {
    return this.#runs.size
  }

  /** Runs started so far, and of those ended, how many passed and failed (for live progress). */
  progress(): { started: number; passed: number; failed: number } {
    let started = 0
    let passed = 0
    let failed = 0
    for (const run of this.#runs.values()) {
      if (!run.started) continue
      started++
      if (run.finished) run.failed ? failed++ : passed++
    }
    return { started, passed, failed }
  }

  /**
   * Adds a run; its full id is `${testName}/${id}` and must be unique. On a shard of several, only
   * the shard's share is kept: returns false for a run another shard runs.
   */
  add(testName: string, id: string | number, runner: Runner): boolean {
    const fullId = `${testName}/${id}`
    if (this.#state !== 'idle') {
      throw new HarnessError(
        'SCALETEST_HARNESS_STARTED',
        `cannot add run ${fullId}: the harness already started running`,
      )
    }
    if (this.#runs.has(fullId)) {
      throw new HarnessError(
        'SCALETEST_DUPLICATE_RUN',
        `duplicate run ${fullId}: each testName/id pair may be added once`,
      )
    }
    if (typeof runner?.run !== 'function') {
      throw new HarnessError(
        'SCALETEST_INVALID_ARGUMENT',
        `run ${fullId}: the runner needs a run(ctx) method`,
      )
    }
    const runOptions = {
      ...(this.#options.http ? { http: this.#options.http } : {}),
      ...(this.#options.secrets ? { secrets: this.#options.secrets } : {}),
      ...(this.#options.onLog ? { onLog: this.#options.onLog } : {}),
    }
    const position = this.#offered++
    if (this.#options.shard && !ownsPosition(this.#options.shard, position)) return false
    this.#runs.set(fullId, new TestRun(testName, String(id), runner, runOptions))
    return true
  }

  /** Runs every added run with the strategy (or options); resolves when all settle. Only once. */
  run(strategyOrOptions?: Strategy | HarnessRunOptions): Promise<HarnessResults> {
    if (this.#state !== 'idle') {
      throw new HarnessError(
        'SCALETEST_HARNESS_STARTED',
        'run() was already called on this harness; create a new one',
      )
    }
    this.#state = 'running'
    const options: HarnessRunOptions =
      strategyOrOptions && 'execute' in strategyOrOptions
        ? { strategy: strategyOrOptions }
        : (strategyOrOptions ?? {})
    this.#running = this.#execute(options)
    return this.#running
  }

  /** Interrupts every run in flight; runs not yet started fail as "not started". */
  abort(reason: unknown = 'harness aborted'): void {
    if (this.#interrupt.signal.aborted) return
    const detail = reason instanceof Error ? reason.message : String(reason)
    this.#interrupt.abort(
      new RunInterruptedError('SCALETEST_RUN_ABORTED', `run interrupted: ${detail}`, { cause: reason }),
    )
  }

  /** Resolves once run() (if any) has settled. */
  async settled(): Promise<void> {
    await this.#running?.catch(() => {})
  }

  /** Results so far: after run() settles, the full results (with cleanup once it ran). */
  results(): HarnessResults {
    if (!this.#results) {
      throw new HarnessError('SCALETEST_HARNESS_NOT_RUN', 'no results yet: await harness.run() first')
    }
    return this.#cleanup ? { ...this.#results, cleanup: this.#cleanup } : this.#results
  }

  /** Results if run() finished, else undefined. */
  tryResults(): HarnessResults | undefined {
    return this.#results ? this.results() : undefined
  }

  /**
   * Cleans up every run that started (also failed and interrupted ones), then closes their HTTP
   * clients. Waits for run() to settle first. Cleanup failures are collected, never thrown, and never
   * change a run's result. Calling it again returns the same results.
   */
  cleanup(
    options: { strategy?: Strategy; timeoutMs?: number; jobTimeoutMs?: number } = {},
  ): Promise<CleanupResults> {
    this.#cleaning ??= this.#runCleanup(options)
    return this.#cleaning
  }

  /** Closes the runs' HTTP clients without running cleanups (e.g. SCALETEST_SKIP_CLEANUP). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#runs.values()].map((run) => run.closeClients()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#state === 'running') this.abort('harness disposed')
    await this.cleanup()
  }

  async #execute(options: HarnessRunOptions): Promise<HarnessResults> {
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? 0
    const jobTimeoutMs = options.jobTimeoutMs ?? this.#options.jobTimeoutMs ?? 0
    const strategy = withTimeout(options.strategy ?? this.#options.strategy ?? linear(), jobTimeoutMs)
    const signals = [this.#interrupt.signal, this.#options.signal, options.signal].filter(
      (s): s is AbortSignal => s !== undefined,
    )
    const deadline = new AbortController()
    const timer =
      timeoutMs > 0
        ? setTimeout(
            () =>
              deadline.abort(
                new RunInterruptedError(
                  'SCALETEST_RUN_ABORTED',
                  `harness timeout of ${formatDuration(timeoutMs)} exceeded`,
                ),
              ),
            timeoutMs,
          )
        : undefined
    signals.push(deadline.signal)
    const signal = AbortSignal.any(signals)
    const runs = [...this.#runs.values()]
    const jobs = runs.map(
      (run): Job =>
        (ctx) =>
          run.run(ctx.signal, ctx.scheduledAt),
    )
    const started = performance.now()
    let dropped: number[] = []
    try {
      dropped = (await strategy.execute(jobs, signal)).dropped
    } finally {
      if (timer) clearTimeout(timer)
    }
    const elapsedMs = performance.now() - started
    const droppedSet = new Set(dropped)
    const reason = signal.aborted ? describeReason(signal.reason) : `${strategy.name} ended before its turn`
    for (const [i, run] of runs.entries()) if (!run.started && !droppedSet.has(i)) run.markNotStarted(reason)
    this.#results = buildResults(
      runs.filter((_, i) => !droppedSet.has(i)).map((run) => run.result()),
      dropped.map((i) => runs[i]!.fullId),
      elapsedMs,
    )
    this.#state = 'done'
    return this.#results
  }

  async #runCleanup(options: {
    strategy?: Strategy
    timeoutMs?: number
    jobTimeoutMs?: number
  }): Promise<CleanupResults> {
    await this.settled()
    const timeoutMs = options.timeoutMs ?? this.#options.cleanupTimeoutMs ?? 0
    const jobTimeoutMs = options.jobTimeoutMs ?? this.#options.cleanupJobTimeoutMs ?? 0
    const strategy = withTimeout(options.strategy ?? this.#options.cleanupStrategy ?? linear(), jobTimeoutMs)
    const runs = [...this.#runs.values()].filter((run) => run.started && run.runner.cleanup)
    const errors: Record<string, string> = {}
    const finished = new Set<TestRun>()
    const jobs = runs.map(
      (run): Job =>
        async (ctx) => {
          const error = await run.cleanup(ctx.signal)
          finished.add(run)
          if (error !== null) errors[run.fullId] = error
        },
    )
    const deadline = new AbortController()
    const limit = formatDuration(timeoutMs)
    const timer =
      timeoutMs > 0
        ? setTimeout(
            () =>
              deadline.abort(
                new RunInterruptedError('SCALETEST_RUN_ABORTED', `cleanup timeout of ${limit} exceeded`),
              ),
            timeoutMs,
          )
        : undefined
    const started = performance.now()
    try {
      await strategy.execute(jobs, deadline.signal)
    } finally {
      if (timer) clearTimeout(timer)
    }
    for (const run of runs) {
      if (!finished.has(run)) errors[run.fullId] = `cleanup not started: cleanup timeout of ${limit} exceeded`
    }
    await this.close()
    this.#cleanup = {
      total: runs.length,
      total_fail: Object.keys(errors).length,
      elapsed_ms: Math.round(performance.now() - started),
      errors,
    }
    return this.#cleanup
  }
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted')
}
