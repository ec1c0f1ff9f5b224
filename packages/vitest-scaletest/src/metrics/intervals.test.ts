import { describe, expect, it } from 'vitest'

import { MetricsAggregate } from './aggregate.ts'
import { MetricsRecorder } from './recorder.ts'
import { histogramStats } from './series-stats.ts'
import type { MetricsSnapshot } from './snapshot.ts'

/** A recorder on a hand-moved clock; ticks are driven by toJSON() and explicit boundaries. */
function clocked(start: number) {
  const clock = { now: start }
  const recorder = new MetricsRecorder({ intervalMs: 1000, now: () => clock.now })
  recorder.stopIntervals() // the test moves time itself
  return { clock, recorder }
}

function roundTrip(snapshot: MetricsSnapshot): MetricsSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as MetricsSnapshot
}

describe('time series intervals', () => {
  it('keeps per-interval differences on epoch-aligned intervals', () => {
    const { clock, recorder } = clocked(10_250)
    const latency = recorder.histogram('delivery_latency_seconds')
    const errors = recorder.counter('errors_total')
    const active = recorder.gauge('active_users')
    latency.observe(0.1)
    latency.observe(0.2)
    errors.inc()
    active.set(5)
    clock.now = 11_001
    recorder.toJSON() // closes [10000, 11000)
    latency.observe(3)
    errors.inc(2)
    active.set(7)
    clock.now = 12_500
    const snapshot = roundTrip(recorder.toJSON())

    expect(snapshot.intervalMs).toBe(1000)
    expect(snapshot.intervals?.map((i) => [i.startedAt, i.endedAt])).toEqual([
      [10_000, 11_000],
      [11_000, 12_000],
    ])
    const [first, second] = snapshot.intervals!
    expect(first!.metrics.delivery_latency_seconds).toMatchObject({ series: [{ count: 2 }] })
    expect(second!.metrics.delivery_latency_seconds).toMatchObject({ series: [{ count: 1, sum: 3 }] })
    expect(first!.metrics.errors_total).toMatchObject({ series: [{ value: 1 }] })
    expect(second!.metrics.errors_total).toMatchObject({ series: [{ value: 2 }] })
    expect(second!.metrics.active_users).toMatchObject({ series: [{ value: 7 }] })
  })

  it('merges the same interval of two workers exactly, as the totals are merged', () => {
    const a = clocked(20_100)
    const b = clocked(20_700)
    const ha = a.recorder.histogram('latency_seconds')
    const hb = b.recorder.histogram('latency_seconds')
    for (let i = 1; i <= 100; i++) ha.observe(i / 1000)
    for (let i = 101; i <= 200; i++) hb.observe(i / 1000)
    a.clock.now = 21_050
    b.clock.now = 21_050
    const aggregate = new MetricsAggregate()
    aggregate.add(roundTrip(a.recorder.toJSON()))
    aggregate.add(roundTrip(b.recorder.toJSON()))
    const merged = aggregate.toJSON()
    expect(merged.intervals).toHaveLength(1)
    const interval = aggregate.intervals.get(20_000)!
    const cell = interval.combinedHistogram('latency_seconds', {})!
    const total = aggregate.combinedHistogram('latency_seconds', {})!
    expect(histogramStats(cell, 1e-6)).toEqual(histogramStats(total, 1e-6))
    expect(cell.count).toBe(200)
  })

  it('refuses to merge time series of different interval lengths', () => {
    const aggregate = new MetricsAggregate()
    const one = new MetricsRecorder({ intervalMs: 1000 })
    one.counter('c_total').inc()
    const two = new MetricsRecorder({ intervalMs: 500 })
    two.counter('c_total').inc()
    aggregate.add(one.toJSON())
    expect(() => aggregate.add(two.toJSON())).toThrow(/interval 1000 ms in one test, 500 ms in another/)
    one.stopIntervals()
    two.stopIntervals()
  })

  it('ticks by itself on a timer that does not hold the process', async () => {
    const recorder = new MetricsRecorder({ intervalMs: 20 })
    const counter = recorder.counter('ticks_total')
    counter.inc()
    await new Promise((r) => setTimeout(r, 70))
    counter.inc()
    recorder.stopIntervals()
    const intervals = recorder.toJSON().intervals!
    expect(intervals.length).toBeGreaterThanOrEqual(2)
    const sum = intervals.reduce(
      (n, i) => n + ((i.metrics.ticks_total?.series[0] as { value: number } | undefined)?.value ?? 0),
      0,
    )
    expect(sum).toBe(2)
  })
})

describe('observeAt (latencies known after the fact)', () => {
  it('files samples in the interval of their own time, once, and in the totals', () => {
    const { clock, recorder } = clocked(30_100)
    const latency = recorder.histogram('latency_seconds')
    latency.observe(0.5) // an ordinary sample at 30.1 s
    clock.now = 35_200
    recorder.observeAt('latency_seconds', 31_500, 1.5)
    recorder.observeAt('latency_seconds', 33_900, 2.5)
    recorder.observeAt('latency_seconds', 33_100, 3.5)
    const snapshot = roundTrip(recorder.toJSON())
    const counts = snapshot.intervals!.map((i) => [
      i.startedAt,
      (i.metrics.latency_seconds as { series: { count: number; sum: number }[] }).series[0]!.count,
    ])
    expect(counts).toEqual([
      [30_000, 1],
      [31_000, 1],
      [33_000, 2],
    ])
    expect(snapshot.metrics.latency_seconds).toMatchObject({ series: [{ count: 4, sum: 8 }] })
    expect(() => recorder.observeAt('missing_seconds', 1, 1)).toThrow(/not a histogram of this recorder/)
  })
})
