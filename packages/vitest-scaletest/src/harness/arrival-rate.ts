// Open-model strategies, like k6's constant-arrival-rate and ramping-arrival-rate executors: start
// runs at a target rate whatever their latency. When `maxInFlight` runs are still going, the next
// arrival is dropped and counted instead of delayed. Each run is timed from its *scheduled* start, so
// a late start (a busy event loop) shows up as latency rather than being omitted.

import { setTimeout as sleep } from 'node:timers/promises'

import { HarnessError } from '../errors.ts'
import type { IterateOptions, Iteration, IterationReport } from './iterate.ts'
import { iterateSchedule } from './iterate.ts'
import type { Job, Strategy, StrategyOutcome } from './strategies.ts'

export interface RateStage {
  /** Rate reached at the end of the stage (per timeUnitMs), ramped linearly from the previous rate. */
  target: number
  durationMs: number
}

export interface ConstantArrivalRateOptions {
  /** Arrivals per timeUnitMs. */
  rate: number
  /** Default 1000 (rate per second). */
  timeUnitMs?: number
  durationMs: number
  /** Cap on runs in flight; an arrival beyond it is dropped. */
  maxInFlight: number
}

export interface RampingArrivalRateOptions {
  /** Rate at the start of the first stage. Default 0. */
  startRate?: number
  timeUnitMs?: number
  stages: RateStage[]
  maxInFlight: number
}

export interface ArrivalRateStats {
  scheduled: number
  started: number
  dropped: number
  /** Largest gap between a run's scheduled and actual start. */
  maxStartLagMs: number
  /** Highest number of runs in flight at once. */
  peakInFlight: number
  /**
   * Arrivals (started + dropped) per timeUnitMs as measured: the least-squares slope of actual
   * arrival times, so one late timer does not skew it.
   */
  achievedRate: number
}

export interface ArrivalRateStrategy extends Strategy {
  /** How many arrivals the schedule has: add this many runs (harness.run), or none (iterate). */
  readonly iterations: number
  /** Arrival offsets from the start, in ms; computed on first use, for at most 1,000,000 arrivals. */
  readonly offsetsMs: readonly number[]
  /** Counts from the last execute(). */
  stats(): ArrivalRateStats
  /**
   * The open model at scale: call `iteration` once per arrival, with no harness run per iteration
   * (no harness.add() needed). Exact counts, HDR latencies from the scheduled start, failures by reason.
   * Arrivals are computed as they come, so any duration runs in constant memory.
   */
  iterate(iteration: Iteration, options?: IterateOptions): Promise<IterationReport>
}

export function constantArrivalRate(options: ConstantArrivalRateOptions): ArrivalRateStrategy {
  const { rate, durationMs } = options
  const ramping: RampingArrivalRateOptions = {
    startRate: rate,
    stages: [{ target: rate, durationMs }],
    maxInFlight: options.maxInFlight,
  }
  if (options.timeUnitMs !== undefined) ramping.timeUnitMs = options.timeUnitMs
  return rampingArrivalRate(
    ramping,
    `constantArrivalRate(${rate}/${options.timeUnitMs ?? 1000}ms for ${durationMs}ms)`,
  )
}

export function rampingArrivalRate(options: RampingArrivalRateOptions, name?: string): ArrivalRateStrategy {
  const { maxInFlight } = options
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new HarnessError(
      'SCALETEST_INVALID_ARGUMENT',
      `arrival rate: maxInFlight must be an integer >= 1, got ${maxInFlight}`,
    )
  }
  const iterations = arrivalCount(options) // validates the stages now
  let offsets: number[] | undefined
  let stats = emptyStats()
  return {
    name: name ?? `rampingArrivalRate(${options.stages.length} stages)`,
    iterations,
    get offsetsMs() {
      offsets ??= arrivalOffsets(options)
      return offsets
    },
    stats: () => {
      const { fit: _, ...rest } = stats
      return rest
    },
    iterate: (iteration, iterateOptions) =>
      iterateSchedule(
        { arrivals: arrivalTimes(options), maxInFlight, timeUnitMs: options.timeUnitMs ?? 1000 },
        iteration,
        iterateOptions,
      ),
    async execute(jobs, signal) {
      stats = emptyStats()
      offsets ??= arrivalOffsets(options)
      const outcome = await runSchedule(offsets, jobs, maxInFlight, signal, stats)
      const msPerArrival = slope(stats.fit)
      stats.achievedRate = msPerArrival > 0 ? (options.timeUnitMs ?? 1000) / msPerArrival : 0
      return outcome
    },
  }
}

/** Most arrivals a harness run takes (one pre-added run each); iterate() has no such limit. */
export const MAX_HARNESS_ARRIVALS = 1_000_000

type ScheduleOptions = Omit<RampingArrivalRateOptions, 'maxInFlight'>

/** One stage in the arithmetic of arrivalTimes(): N(t) = r0·t + a·t², arrivals k in [first, end). */
interface StagePlan {
  start: number
  durationMs: number
  r0: number
  a: number
  /** Arrivals accounted for before this stage (fractional). */
  done: number
  first: number
  end: number
}

function plan(options: ScheduleOptions): StagePlan[] {
  const unit = options.timeUnitMs ?? 1000
  let rate = options.startRate ?? 0
  check(rate >= 0 && Number.isFinite(rate), `startRate must be >= 0, got ${options.startRate}`)
  check(unit > 0, `timeUnitMs must be > 0, got ${unit}`)
  check(options.stages.length > 0, 'at least one stage is needed')
  const stages: StagePlan[] = []
  let start = 0
  let done = 0
  for (const [i, stage] of options.stages.entries()) {
    check(stage.durationMs > 0, `stages[${i}].durationMs must be > 0, got ${stage.durationMs}`)
    check(
      stage.target >= 0 && Number.isFinite(stage.target),
      `stages[${i}].target must be >= 0, got ${stage.target}`,
    )
    const r0 = rate / unit
    const r1 = stage.target / unit
    const d = stage.durationMs
    const a = (r1 - r0) / (2 * d)
    const total = r0 * d + a * d * d
    const first = Math.ceil(done - 1e-9)
    const end = Math.max(first, Math.ceil(done + total - 1e-9))
    stages.push({ start, durationMs: d, r0, a, done, first, end })
    done += total
    start += d
    rate = stage.target
  }
  return stages
}

/** How many arrivals the schedule has, without computing them. */
export function arrivalCount(options: ScheduleOptions): number {
  return plan(options).reduce((n, stage) => n + stage.end - stage.first, 0)
}

/**
 * Arrival times (ms from start) for a piecewise-linear rate, one at a time (arrival k is where
 * ∫rate = k): constant memory whatever the duration, for iterate().
 */
export function* arrivalTimes(options: ScheduleOptions): Generator<number, void, undefined> {
  for (const { start, durationMs, r0, a, done, first, end } of plan(options)) {
    for (let k = first; k < end; k++) {
      const need = k - done
      const t = Math.abs(a) < 1e-15 ? need / r0 : (-r0 + Math.sqrt(r0 * r0 + 4 * a * need)) / (2 * a)
      yield start + Math.min(Math.max(t, 0), durationMs)
    }
  }
}

/** All arrival times (ms from start), for a harness run of one pre-added run per arrival. */
export function arrivalOffsets(options: ScheduleOptions): number[] {
  const count = arrivalCount(options)
  if (count > MAX_HARNESS_ARRIVALS) {
    throw new HarnessError(
      'SCALETEST_INVALID_ARGUMENT',
      `arrival rate: ${count} arrivals is too many for harness runs (max 1,000,000); use strategy.iterate() for an open model that long`,
    )
  }
  return [...arrivalTimes(options)]
}

/** Running sums for a least-squares fit of arrival time against arrival number. */
interface Fit {
  n: number
  sx: number
  sy: number
  sxx: number
  sxy: number
}

type RunningStats = ArrivalRateStats & { fit: Fit }

function slope(fit: Fit): number {
  const denominator = fit.n * fit.sxx - fit.sx * fit.sx
  return fit.n > 1 && denominator !== 0 ? (fit.n * fit.sxy - fit.sx * fit.sy) / denominator : 0
}

function emptyStats(): RunningStats {
  return {
    scheduled: 0,
    started: 0,
    dropped: 0,
    maxStartLagMs: 0,
    peakInFlight: 0,
    achievedRate: 0,
    fit: { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0 },
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new HarnessError('SCALETEST_INVALID_ARGUMENT', `arrival rate: ${message}`)
}

async function runSchedule(
  offsetsMs: readonly number[],
  jobs: readonly Job[],
  maxInFlight: number,
  signal: AbortSignal,
  stats: RunningStats,
): Promise<StrategyOutcome> {
  const dropped: number[] = []
  const running = new Set<Promise<void>>()
  const count = Math.min(offsetsMs.length, jobs.length)
  const t0 = performance.now()
  let k = 0
  while (k < count && !signal.aborted) {
    const wait = t0 + offsetsMs[k]! - performance.now()
    if (wait > 0) {
      try {
        await sleep(Math.max(1, Math.floor(wait)), undefined, { signal })
      } catch {
        break
      }
    }
    // Absolute schedule: after a late wake-up, every arrival that is due starts now (or is dropped).
    const now = performance.now()
    for (; k < count && t0 + offsetsMs[k]! <= now; k++) {
      const { fit } = stats
      fit.n++
      fit.sx += k
      fit.sy += now - t0
      fit.sxx += k * k
      fit.sxy += k * (now - t0)
      stats.scheduled++
      if (running.size >= maxInFlight) {
        stats.dropped++
        dropped.push(k)
        continue
      }
      const scheduledAt = t0 + offsetsMs[k]!
      stats.started++
      stats.maxStartLagMs = Math.max(stats.maxStartLagMs, now - scheduledAt)
      const job = jobs[k]!({ signal, scheduledAt }).finally(() => running.delete(job))
      running.add(job)
      stats.peakInFlight = Math.max(stats.peakInFlight, running.size)
    }
  }
  await Promise.all(running)
  // Runs beyond the schedule (more added than `iterations`) are reported as dropped too.
  if (!signal.aborted) for (let i = count; i < jobs.length; i++) dropped.push(i)
  return { dropped }
}
