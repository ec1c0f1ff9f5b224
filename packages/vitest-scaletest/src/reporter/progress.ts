import { formatNumber } from './summary.ts'

export interface ProgressCounts {
  started: number
  passed: number
  failed: number
  skipped: number
}

/** Harness runs and latency across finished and running tests (running ones report every second). */
export interface LiveStatus {
  runsStarted: number
  runsPassed: number
  runsFailed: number
  /** p99 of the main latency metric over the last `windowSeconds`. */
  latency?: { metric: string; p99: number; windowSeconds: number }
}

export interface ProgressOptions {
  /** Where lines go (stderr). */
  stream: NodeJS.WritableStream
  /** Rewrite one line in place (a terminal nobody else draws on) instead of printing plain lines. */
  live: boolean
  intervalMs: number
  now?: () => number
  /** Read at each line. */
  status?: () => LiveStatus
}

/**
 * Live progress: one line rewritten in place on a terminal (every second), or a plain line
 * every `intervalMs` when the output is a log (CI).
 */
export class Progress {
  readonly counts: ProgressCounts = {
    started: 0,
    passed: 0,
    failed: 0,
    skipped: 0,
  }
  readonly #options: ProgressOptions
  readonly #now: () => number
  readonly #startedAt: number
  #timer: NodeJS.Timeout | undefined
  #liveLineShown = false

  constructor(options: ProgressOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#startedAt = this.#now()
  }

  get live(): boolean {
    return this.#options.live
  }

  start(): void {
    const every = this.live ? 1000 : this.#options.intervalMs
    this.#timer = setInterval(() => this.tick(), every)
    this.#timer.unref()
  }

  tick(): void {
    const line = this.line()
    if (this.live) {
      this.#options.stream.write(`\r\x1b[2K${line}`)
      this.#liveLineShown = true
    } else this.#options.stream.write(`${line}\n`)
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    if (this.#liveLineShown) this.#options.stream.write(`\r\x1b[2K${this.line()}\n`)
  }

  line(): string {
    const c = this.counts
    const elapsedS = Math.max(0, (this.#now() - this.#startedAt) / 1000)
    const done = c.passed + c.failed + c.skipped
    const rate = elapsedS > 0 ? done / elapsedS : 0
    const status = this.#options.status?.()
    let live = ''
    if (status !== undefined && status.runsStarted > 0)
      live += `, runs started ${status.runsStarted}, passed ${status.runsPassed}, failed ${status.runsFailed}`
    if (status?.latency !== undefined)
      live += `, p99 ${status.latency.metric} ${formatNumber(status.latency.p99)} (last ${status.latency.windowSeconds}s)`
    return `scaletest progress: tests started ${c.started}, passed ${c.passed}, failed ${c.failed}${live}, ${rate.toFixed(2)} tests/s, elapsed ${formatElapsed(elapsedS)}`
  }
}

function formatElapsed(seconds: number): string {
  const m = Math.floor(seconds / 60)
  const s = Math.floor(seconds % 60)
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`
}
