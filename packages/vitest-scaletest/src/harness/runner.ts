// The runner contract: what a scenario hands the harness for each unit of load.

import type { HttpClient, HttpClientOptions } from '../http/http-client.ts'
import type { WaitBuffer } from '../sync/wait-buffer.ts'

export interface RunContext {
  /** The run's id within its test name, e.g. '3' or a username. */
  readonly id: string
  /** `${testName}/${id}`, unique within the harness. */
  readonly fullId: string
  readonly testName: string
  /** Aborted on job timeout, harness timeout, test timeout or interrupt. Pass it to every await. */
  readonly signal: AbortSignal
  /** Appends a timestamped line (util.format of the args) to the run's log. */
  log(...args: unknown[]): void
  /** The run's log buffer itself: write raw output into it, or waitFor() on it. */
  readonly logs: WaitBuffer
  /**
   * The run's own HTTP client (own dispatcher, own TCP connections), made on first use from the
   * harness defaults plus `options`, reused for the same options (in run and cleanup alike; a
   * `dispatcher` or `onRetry` compares by identity, so calling it in a loop is cheap) and closed
   * after cleanup. Pass a SharedHttpPool's `dispatcher` to send over a bounded shared pool instead.
   */
  http(options?: HttpClientOptions): HttpClient
  /** For arrival-rate strategies: when this run was scheduled to start (ms, performance.now() clock). */
  readonly scheduledAt?: number
}

/** Cleanup gets the same context; its signal is the cleanup pass's, not the (maybe aborted) run's. */
export type CleanupContext = Omit<RunContext, 'scheduledAt'>

export interface Runner {
  /** Throw (or reject) to fail the run; the message becomes the run's `error`. */
  run(ctx: RunContext): Promise<void> | void
  /** Undo what run() created. Called only for runs that started, also after a failed run. */
  cleanup?(ctx: CleanupContext): Promise<void> | void
  /** Arbitrary per-run values for the results (Coder's GetMetrics), read after run() settles. */
  metrics?(): Record<string, unknown>
}
