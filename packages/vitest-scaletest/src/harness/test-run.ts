// One run of one runner: its log buffer, timing, error capture and cleanup.

import { format } from 'node:util'

import { RunInterruptedError } from '../errors.ts'
import { HttpClient, type HttpClientOptions } from '../http/http-client.ts'
import { redactSecrets } from '../http/redact.ts'
import { WaitBuffer } from '../sync/wait-buffer.ts'
import { formatDuration } from './duration.ts'
import type { RunResult } from './results.ts'
import type { CleanupContext, RunContext, Runner } from './runner.ts'

export interface TestRunOptions {
  /** Defaults for ctx.http(). */
  http?: HttpClientOptions
  /** Redacted from log lines. */
  secrets?: readonly string[]
  /** Also receives every log message, without its timestamp (e.g. a console tee). */
  onLog?: (fullId: string, line: string) => void
}

export class TestRun {
  readonly testName: string
  readonly id: string
  readonly fullId: string
  readonly runner: Runner
  readonly logs: WaitBuffer
  #startedAt: Date | undefined
  #durationMs = 0
  #startLagMs: number | undefined
  #error: string | null = null
  #finished = false
  #metrics: Record<string, unknown> = {}
  readonly #clients = new Map<string, HttpClient>()
  /** The same clients as #clients for options that are just a baseUrl string. */
  readonly #byBaseUrl = new Map<string, HttpClient>()
  readonly #options: TestRunOptions
  /** The configured secrets plus every session token handed to ctx.http(). */
  readonly #secrets: string[]

  constructor(testName: string, id: string, runner: Runner, options: TestRunOptions = {}) {
    this.testName = testName
    this.id = id
    this.fullId = `${testName}/${id}`
    this.runner = runner
    this.#options = options
    this.#secrets = [...(options.secrets ?? [])]
    if (options.http?.sessionToken) this.#secrets.push(options.http.sessionToken)
    this.logs = new WaitBuffer({ name: `logs of ${this.fullId}`, timeoutMs: 0 })
  }

  get started(): boolean {
    return this.#startedAt !== undefined
  }

  get failed(): boolean {
    return this.#error !== null
  }

  /** The run has ended (passed or failed). */
  get finished(): boolean {
    return this.#finished
  }

  /** Runs the runner once; never rejects. An abort of `signal` ends the run at once as a failure. */
  async run(signal: AbortSignal, scheduledAt?: number): Promise<void> {
    const begin = performance.now()
    const origin = scheduledAt ?? begin
    this.#startedAt = new Date(Date.now() - (begin - origin))
    if (scheduledAt !== undefined) this.#startLagMs = Math.max(0, begin - scheduledAt)
    const ctx: RunContext = {
      ...this.#context(signal),
      ...(scheduledAt !== undefined ? { scheduledAt } : {}),
    }
    try {
      await raceAbort(() => this.runner.run(ctx), signal)
    } catch (err) {
      this.#error = describeError(err)
      this.log(`run failed: ${this.#error}`)
    } finally {
      this.#finished = true
      this.#durationMs = performance.now() - origin
      try {
        this.#metrics = this.runner.metrics?.() ?? {}
      } catch (err) {
        this.#metrics = { metrics_error: describeError(err) }
      }
    }
  }

  /** Marks a run the strategy never started (interrupted before its turn). */
  markNotStarted(reason: string): void {
    this.#startedAt = undefined
    this.#error = `not started: ${reason}`
  }

  /** Runs the runner's cleanup if the run started; resolves with the error message or null. */
  async cleanup(signal: AbortSignal): Promise<string | null> {
    if (!this.started || !this.runner.cleanup) return null
    const cleanup = this.runner.cleanup.bind(this.runner)
    try {
      await raceAbort(() => cleanup(this.#context(signal)), signal)
      return null
    } catch (err) {
      const message = describeError(err)
      this.log(`cleanup failed: ${message}`)
      return message
    }
  }

  /** Closes the HTTP clients the run created. */
  async closeClients(): Promise<void> {
    await Promise.allSettled([...this.#clients.values()].map((c) => c.close()))
  }

  log(...args: unknown[]): void {
    const message = redactSecrets(format(...args), this.#secrets)
    this.logs.write(`${new Date().toISOString()} ${message}\n`)
    this.#options.onLog?.(this.fullId, message)
  }

  result(): RunResult {
    const result: RunResult = {
      full_id: this.fullId,
      test_name: this.testName,
      id: this.id,
      logs: this.logs.text(),
      started_at: (this.#startedAt ?? new Date(0)).toISOString(),
      duration: formatDuration(this.#durationMs),
      duration_ms: Math.round(this.#durationMs * 1000) / 1000,
      error: this.#error,
      metrics: this.#metrics,
    }
    if (this.#startLagMs !== undefined) result.start_lag_ms = Math.round(this.#startLagMs * 1000) / 1000
    return result
  }

  #context(signal: AbortSignal): CleanupContext {
    return {
      id: this.id,
      fullId: this.fullId,
      testName: this.testName,
      signal,
      logs: this.logs,
      log: (...args: unknown[]) => this.log(...args),
      http: (options?: HttpClientOptions) => {
        // Hot path: `ctx.http({ baseUrl }).request(...)` in a loop finds its client by the baseUrl
        // string itself (its hash is cached on the string), without building a key.
        const baseUrl = onlyBaseUrl(options)
        if (baseUrl !== undefined) {
          const cached = this.#byBaseUrl.get(baseUrl)
          if (cached) return cached
        }
        const key = cacheKey(options)
        let client = this.#clients.get(key)
        if (client === undefined) {
          if (options?.sessionToken) this.#secrets.push(options.sessionToken)
          client = new HttpClient({ ...this.#options.http, ...options })
          this.#clients.set(key, client)
        }
        if (baseUrl !== undefined) this.#byBaseUrl.set(baseUrl, client)
        return client
      },
    }
  }
}

/** Identity numbers of the dispatchers and callbacks handed to ctx.http(), for cache keys. */
const identities = new WeakMap<object, number>()
let nextIdentity = 0

function identity(value: object): number {
  let id = identities.get(value)
  if (id === undefined) {
    id = ++nextIdentity
    identities.set(value, id)
  }
  return id
}

/** The baseUrl if it is a string and the only option set, so the client can be found by it alone. */
function onlyBaseUrl(options: HttpClientOptions | undefined): string | undefined {
  if (options === undefined || typeof options.baseUrl !== 'string') return undefined
  for (const name in options) if (name !== 'baseUrl') return undefined
  return options.baseUrl
}

/**
 * Clients made with the same options are reused (run and cleanup share connections): plain values
 * compare by value, a dispatcher or an onRetry callback by identity, so `ctx.http({ baseUrl,
 * dispatcher: pool.agent })` in a loop makes one client, not one per call.
 */
function cacheKey(options: HttpClientOptions | undefined): string {
  if (options === undefined) return ''
  return JSON.stringify(options, (_, value: unknown) => {
    if (value instanceof URL) return value.href
    if (typeof value === 'function' || (value !== null && typeof value === 'object' && isDispatcher(value))) {
      return `\u0000identity ${identity(value)}`
    }
    return value
  })
}

function isDispatcher(value: object): boolean {
  return typeof (value as { dispatch?: unknown }).dispatch === 'function'
}

/** Awaits fn() but settles as soon as `signal` aborts, with the abort reason as the error. */
async function raceAbort(fn: () => Promise<void> | void, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw abortReason(signal)
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortReason(signal))
    signal.addEventListener('abort', onAbort, { once: true })
  })
  const work = Promise.resolve().then(fn)
  work.catch(() => {}) // a runner that rejects after the abort must not become an unhandled rejection
  try {
    await Promise.race([work, aborted])
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason = signal.reason
  if (reason instanceof RunInterruptedError) return reason
  const detail = reason instanceof Error ? reason.message : String(reason ?? 'aborted')
  return new RunInterruptedError('SCALETEST_RUN_ABORTED', `run interrupted: ${detail}`, { cause: reason })
}

/** The error's message, followed by the messages of its causes when they add something. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  let message = err.message || err.name
  for (let cause = err.cause, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (!message.includes(cause.message)) message += `: ${cause.message}`
  }
  return message
}
