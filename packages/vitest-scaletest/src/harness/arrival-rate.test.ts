import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import {
  arrivalCount,
  arrivalOffsets,
  arrivalTimes,
  constantArrivalRate,
  rampingArrivalRate,
} from './arrival-rate.ts'
import { TestHarness } from './test-harness.ts'

/** Starts per second from a least-squares fit of start time against arrival number. */
function fittedRate(points: Array<[number, number]>): number {
  const n = points.length
  let sx = 0
  let sy = 0
  let sxx = 0
  let sxy = 0
  for (const [x, y] of points) {
    sx += x
    sy += y
    sxx += x * x
    sxy += x * y
  }
  return 1000 / ((n * sxy - sx * sy) / (n * sxx - sx * sx))
}

describe('arrivalOffsets', () => {
  it('spaces a constant rate evenly', () => {
    const offsets = arrivalOffsets({ startRate: 10, stages: [{ target: 10, durationMs: 1000 }] })
    expect(offsets).toHaveLength(10)
    offsets.forEach((t, i) => {
      expect(t).toBeCloseTo(i * 100, 6)
    })
  })

  it('ramps linearly: arrivals follow the integral of the rate', () => {
    // 0 → 20/s over 2 s is 20 arrivals, then 20/s for 1 s is 20 more, then down to 0 over 1 s: 10.
    const offsets = arrivalOffsets({
      startRate: 0,
      stages: [
        { target: 20, durationMs: 2000 },
        { target: 20, durationMs: 1000 },
        { target: 0, durationMs: 1000 },
      ],
    })
    expect(offsets).toHaveLength(50)
    expect(offsets.filter((t) => t < 2000)).toHaveLength(20)
    expect(offsets.filter((t) => t >= 2000 && t < 3000)).toHaveLength(20)
    // During the ramp-up, gaps shrink; at t=1 s (rate 10/s) ∫ = 5 arrivals.
    expect(offsets.filter((t) => t < 1000 + 1e-6)).toHaveLength(6)
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]!).toBeGreaterThanOrEqual(offsets[i - 1]!)
  })

  it('rejects bad stages and caps', () => {
    expect(() => arrivalOffsets({ stages: [] })).toThrow(/at least one stage/)
    expect(() => arrivalOffsets({ stages: [{ target: -1, durationMs: 10 }] })).toThrow(/stages\[0\]\.target/)
    expect(() => constantArrivalRate({ rate: 1, durationMs: 10, maxInFlight: 0 })).toThrow(/maxInFlight/)
    expect(() => constantArrivalRate({ rate: 1, durationMs: -1, maxInFlight: 1 })).toThrow(/durationMs/)
  })

  it('counts arrivals without computing them, and streams them one at a time in the same order', () => {
    const options = {
      startRate: 3,
      stages: [
        { target: 40, durationMs: 1700 },
        { target: 7, durationMs: 900 },
      ],
    }
    const offsets = arrivalOffsets(options)
    expect(arrivalCount(options)).toBe(offsets.length)
    expect([...arrivalTimes(options)]).toEqual(offsets)
  })

  it('refuses more than 1,000,000 pre-added runs but lets iterate() take any length', () => {
    // 10 minutes at 5,000 arrivals/s: 3,000,000 arrivals.
    const strategy = constantArrivalRate({ rate: 5_000, durationMs: 600_000, maxInFlight: 100 })
    expect(strategy.iterations).toBe(3_000_000)
    expect(() => strategy.offsetsMs).toThrow(/3000000 arrivals is too many for harness runs.*iterate\(\)/)
    let seen = 0
    let last = -1
    for (const t of arrivalTimes({ startRate: 5_000, stages: [{ target: 5_000, durationMs: 600_000 }] })) {
      if (seen++ % 100_000 === 0) expect(t).toBeGreaterThan(last)
      last = t
    }
    expect(seen).toBe(3_000_000)
    expect(last).toBeCloseTo(599_999.8, 3)
  })
})

describe('arrival-rate strategies', () => {
  it('starts iterations at the target rate (within 2%) from measured start times', async () => {
    const strategy = constantArrivalRate({ rate: 100, durationMs: 1500, maxInFlight: 50 })
    const starts: Array<[number, number]> = []
    const harness = new TestHarness()
    for (let i = 0; i < strategy.iterations; i++) {
      harness.add('rate', String(i), { run: () => void starts.push([i, performance.now()]) })
    }
    const results = await harness.run(strategy)
    expect(results.total_runs).toBe(150)
    expect(results.total_dropped).toBe(0)
    expect(Math.abs(fittedRate(starts) - 100) / 100).toBeLessThan(0.02)
    expect(Math.abs(strategy.stats().achievedRate - 100) / 100).toBeLessThan(0.02)
  })

  it('holds its rate on a slow target, caps in-flight work and counts dropped iterations', async () => {
    // 100/s against 150 ms latency needs 15 in flight; the cap of 10 forces drops.
    const strategy = constantArrivalRate({ rate: 100, durationMs: 2000, maxInFlight: 10 })
    let inFlight = 0
    let peak = 0
    const starts: Array<[number, number]> = []
    const harness = new TestHarness()
    for (let i = 0; i < strategy.iterations; i++) {
      harness.add('slow', String(i), {
        run: async () => {
          starts.push([i, performance.now()])
          peak = Math.max(peak, ++inFlight)
          await sleep(150)
          inFlight--
        },
      })
    }
    const t0 = performance.now()
    const results = await harness.run(strategy)
    const stats = strategy.stats()
    expect(stats.scheduled).toBe(200)
    expect(stats.dropped).toBeGreaterThan(0)
    expect(stats.started + stats.dropped).toBe(200)
    expect(results.total_dropped).toBe(stats.dropped)
    expect(results.total_runs).toBe(stats.started)
    expect(results.dropped).toHaveLength(stats.dropped)
    expect(Math.abs(stats.achievedRate - 100) / 100).toBeLessThan(0.02)
    // The runs that did start still started on the 100/s schedule (arrival i at ~i × 10 ms).
    expect(Math.abs(fittedRate(starts) - 100) / 100).toBeLessThan(0.02)
    expect(peak).toBeLessThanOrEqual(10)
    expect(stats.peakInFlight).toBe(peak)
    // Open model: starts keep coming until the end of the window instead of slowing to the target's pace.
    expect(starts.at(-1)![1] - t0).toBeGreaterThan(1800)
    expect(results).toHaveProperty('total_fail', 0)
  })

  it('measures a late start from its scheduled time (no coordinated omission)', async () => {
    const strategy = constantArrivalRate({ rate: 50, durationMs: 600, maxInFlight: 100 })
    const harness = new TestHarness()
    for (let i = 0; i < strategy.iterations; i++) harness.add('co', String(i), { run: () => {} })
    // Block the event loop for 200 ms while arrivals are due: they start late, all at once.
    setTimeout(() => {
      const until = performance.now() + 200
      while (performance.now() < until) {}
    }, 100)
    const results = await harness.run(strategy)
    expect(results.total_runs).toBe(30)
    const late = Object.values(results.runs).filter((run) => (run.start_lag_ms ?? 0) >= 100)
    expect(late.length).toBeGreaterThanOrEqual(3)
    for (const run of late) expect(run.duration_ms).toBeGreaterThanOrEqual(run.start_lag_ms!)
    expect(strategy.stats().maxStartLagMs).toBeGreaterThanOrEqual(100)
  })

  it('ramping arrival rate runs its stages', async () => {
    const strategy = rampingArrivalRate({
      startRate: 0,
      stages: [
        { target: 40, durationMs: 500 },
        { target: 0, durationMs: 500 },
      ],
      maxInFlight: 10,
    })
    expect(strategy.iterations).toBe(20)
    const harness = new TestHarness()
    for (let i = 0; i < 25; i++) harness.add('ramp', String(i), { run: () => {} })
    const results = await harness.run(strategy)
    expect(results.total_runs).toBe(20)
    // Runs added beyond the schedule are reported as dropped, never silently ignored.
    expect(results.dropped).toEqual(['ramp/20', 'ramp/21', 'ramp/22', 'ramp/23', 'ramp/24'])
  })
})
