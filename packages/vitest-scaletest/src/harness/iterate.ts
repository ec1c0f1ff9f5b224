// The open model at scale: run an iteration function per arrival of an arrival-rate schedule with no
// TestRun (no log buffer, context or promise kept) per iteration. Arrivals are computed as they come
// due, so memory is the in-flight iterations, two HDR histograms and a bounded failure sample,
// whatever the duration.

import { HistogramMetric } from '../metrics/histogram.ts'
import type { HistogramStats } from '../metrics/series-stats.ts'
import { describeError } from './test-run.ts'

export interface IterationContext {
  /** Arrival number, 0-based, in schedule order. */
  readonly index: number
  /** When this arrival was scheduled (ms, performance.now() clock). */
  readonly scheduledAt: number
  readonly signal: AbortSignal
}

export type Iteration = (ctx: IterationContext) => Promise<void> | void

export interface IterateOptions {
  /** Stops scheduling; in-flight iterations see it in ctx.signal. */
  signal?: AbortSignal
  /** Also observe each iteration's latency (seconds, from its scheduled start) here, e.g. a recorder histogram. */
  latency?: { observe(seconds: number): void }
  /** Log lines kept per failure reason. Default 5. */
  failureSamples?: number
  /** Distinct failure reasons kept; the rest are counted under "other". Default 50. */
  maxReasons?: number
}

export interface IterationFailures {
  count: number
  /** The first few failures' messages. */
  samples: string[]
}

export interface IterationReport {
  scheduled: number
  started: number
  succeeded: number
  failed: number
  /** Arrivals not started because maxInFlight iterations were running. */
  dropped: number
  peakInFlight: number
  /** Arrivals per timeUnitMs as measured (least-squares slope of actual start times). */
  achievedRate: number
  /** Failures by reason (the error's code, else its name). */
  failures: Record<string, IterationFailures>
  /** Seconds from each iteration's *scheduled* start to its end: lateness is charged, not omitted. */
  latency: HistogramStats
  /** Seconds between scheduled and actual start. */
  startLag: HistogramStats
}

export interface IterateSchedule {
  /** Arrival times in ms from the start, non-decreasing, consumed as they come due. */
  arrivals: Iterable<number>
  maxInFlight: number
  timeUnitMs: number
}

/** Runs `iteration` once per arrival of `schedule`; resolves when every started iteration settled. */
export function iterateSchedule(
  schedule: IterateSchedule,
  iteration: Iteration,
  options: IterateOptions = {},
): Promise<IterationReport> {
  const { maxInFlight, timeUnitMs } = schedule
  const arrivals = schedule.arrivals[Symbol.iterator]()
  const signal = options.signal ?? new AbortController().signal
  const samplesPerReason = options.failureSamples ?? 5
  const maxReasons = options.maxReasons ?? 50
  const latencyMetric = new HistogramMetric('iteration_latency_seconds')
  const startLagMetric = new HistogramMetric('iteration_start_lag_seconds')
  const latency = latencyMetric.labels()
  const startLag = startLagMetric.labels()
  const extra = options.latency
  const failures: Record<string, IterationFailures> = Object.create(null)
  let reasons = 0
  let scheduled = 0
  let started = 0
  let succeeded = 0
  let failed = 0
  let dropped = 0
  let inFlight = 0
  let peakInFlight = 0
  let n = 0
  let sx = 0
  let sy = 0
  let sxx = 0
  let sxy = 0
  let k = 0
  /** Offset of arrival k, the next one due; undefined once the schedule is exhausted. */
  let nextOffset: number | undefined
  const advance = () => {
    const next = arrivals.next()
    nextOffset = next.done ? undefined : next.value
  }
  advance()
  let scheduling = true
  let finish: (() => void) | undefined
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  const t0 = performance.now()

  const fail = (err: unknown) => {
    failed++
    let reason = String((err as { code?: unknown } | null)?.code ?? (err as Error | null)?.name ?? 'Error')
    if (failures[reason] === undefined && reasons >= maxReasons) reason = 'other'
    let entry = failures[reason]
    if (entry === undefined) {
      entry = { count: 0, samples: [] }
      failures[reason] = entry
      reasons++
    }
    entry.count++
    if (entry.samples.length < samplesPerReason) entry.samples.push(describeError(err).slice(0, 2_000))
  }
  const settle = (scheduledAt: number, err: unknown, ok: boolean) => {
    const seconds = Math.max(0, performance.now() - scheduledAt) / 1000
    latency.observe(seconds)
    extra?.observe(seconds)
    if (ok) succeeded++
    else fail(err)
    inFlight--
    if (!scheduling && inFlight === 0) finish?.()
  }
  const start = (index: number, scheduledAt: number, now: number) => {
    started++
    startLag.observe(Math.max(0, now - scheduledAt) / 1000)
    inFlight++
    if (inFlight > peakInFlight) peakInFlight = inFlight
    let result: Promise<void> | void
    try {
      result = iteration({ index, scheduledAt, signal })
    } catch (err) {
      settle(scheduledAt, err, false)
      return
    }
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      ;(result as Promise<void>).then(
        () => settle(scheduledAt, undefined, true),
        (err: unknown) => settle(scheduledAt, err, false),
      )
    } else settle(scheduledAt, undefined, true)
  }
  const stop = () => {
    scheduling = false
    if (inFlight === 0) finish?.()
  }
  const tick = () => {
    if (signal.aborted) return stop()
    // Absolute schedule: after a late wake-up every arrival that is due starts now (or is dropped).
    const now = performance.now()
    for (; nextOffset !== undefined && t0 + nextOffset <= now; k++) {
      const scheduledAt = t0 + nextOffset
      advance()
      n++
      sx += k
      sy += now - t0
      sxx += k * k
      sxy += k * (now - t0)
      scheduled++
      if (inFlight >= maxInFlight) dropped++
      else start(k, scheduledAt, now)
    }
    if (nextOffset === undefined) return stop()
    const wait = t0 + nextOffset - performance.now()
    // Under a millisecond away: yield to I/O but come straight back (setTimeout cannot wait less than 1 ms).
    if (wait < 1) setImmediate(tick)
    else setTimeout(tick, Math.floor(wait))
  }
  signal.addEventListener('abort', stop, { once: true })
  tick()
  return done.then(() => {
    signal.removeEventListener('abort', stop)
    const denominator = n * sxx - sx * sx
    const msPerArrival = n > 1 && denominator !== 0 ? (n * sxy - sx * sy) / denominator : 0
    return {
      scheduled,
      started,
      succeeded,
      failed,
      dropped,
      peakInFlight,
      achievedRate: msPerArrival > 0 ? timeUnitMs / msPerArrival : 0,
      failures,
      latency: latencyMetric.stats(),
      startLag: startLagMetric.stats(),
    }
  })
}
