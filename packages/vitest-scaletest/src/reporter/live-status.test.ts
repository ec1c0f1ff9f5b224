import { describe, expect, it } from 'vitest'

import { MetricsAggregate } from '../metrics/aggregate.ts'
import { MetricsRecorder } from '../metrics/recorder.ts'
import { liveAggregate, mainLatencyMetric, recentLatency } from './live-status.ts'

describe('live status', () => {
  it("takes the recent p99 of the main metric from finished and running tests' intervals", () => {
    const now = 100_000
    const clock = { now: now - 30_000 }
    const running = new MetricsRecorder({ intervalMs: 1000, now: () => clock.now })
    running.stopIntervals()
    running.thresholds({ 'delivery_seconds{type="smtp"}': ['p(99)<5'] })
    const delivery = running.histogram('delivery_seconds')
    running.histogram('other_seconds').observe(100)
    for (let i = 0; i < 100; i++) delivery.observe(9, { type: 'smtp' }) // 30 s ago: outside the window
    clock.now = now - 5_500
    running.toJSON() // closes that interval
    for (let i = 1; i <= 100; i++) delivery.observe(i / 100, { type: 'smtp' })
    clock.now = now - 4_000
    running.toJSON() // closes the recent one
    const live = [
      {
        metrics: JSON.parse(JSON.stringify(running.liveSnapshot())),
        harness: { started: 3, passed: 1, failed: 0 },
      },
    ]

    const latency = recentLatency(new MetricsAggregate(), live, { parsedThresholds: [] }, now)
    expect(latency).toMatchObject({ metric: 'delivery_seconds', windowSeconds: 10 })
    expect(latency!.p99).toBeCloseTo(0.99, 2)
    expect(
      liveAggregate(new MetricsAggregate(), live, () => {}).combinedHistogram('delivery_seconds', {})!.count,
    ).toBe(200)
  })

  it('picks the metric a threshold names, else the histogram with the most samples', () => {
    const recorder = new MetricsRecorder()
    recorder.histogram('few_seconds').observe(1)
    const many = recorder.histogram('many_seconds')
    for (let i = 0; i < 5; i++) many.observe(1)
    const aggregate = new MetricsAggregate()
    aggregate.add(recorder.toJSON())
    expect(mainLatencyMetric(aggregate, { parsedThresholds: [] })).toBe('many_seconds')
    expect(mainLatencyMetric(aggregate, { parsedThresholds: [{ metric: 'few_seconds' }] })).toBe(
      'few_seconds',
    )
    expect(mainLatencyMetric(aggregate, { mainMetric: 'x_seconds', parsedThresholds: [] })).toBe('x_seconds')
  })
})
