export interface ProgressCounts {
  started: number
  passed: number
  failed: number
  skipped: number
  /** Harness runs reported by finished tests (known only when each test ends). */
  harnessRuns: number
  harnessFailed: number
}

export interface ProgressOptions {
  /** Where lines go (stderr). */
  stream: NodeJS.WritableStream
  /** Rewrite one line in place (a terminal nobody else draws on) instead of printing plain lines. */
  live: boolean
  intervalMs: number
  now?: () => number
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
    harnessRuns: 0,
    harnessFailed: 0,
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
    const harness = c.harnessRuns > 0 ? `, runs ${c.harnessRuns} (${c.harnessFailed} failed)` : ''
    return `scaletest progress: tests started ${c.started}, passed ${c.passed}, failed ${c.failed}${harness}, ${rate.toFixed(2)} tests/s, elapsed ${formatElapsed(elapsedS)}`
  }
}

function formatElapsed(seconds: number): string {
  const m = Math.floor(seconds / 60)
  const s = Math.floor(seconds % 60)
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`
}
