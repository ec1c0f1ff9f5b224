import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import { MetricsRecorder } from '../metrics/index.ts'
import { constantArrivalRate } from './arrival-rate.ts'

describe('arrival-rate iterate()', () => {
  it('runs one iteration per arrival, in schedule order, with exact counts and HDR latencies', async () => {
    const strategy = constantArrivalRate({ rate: 200, durationMs: 500, maxInFlight: 1_000 })
    const seen: number[] = []
    const recorder = new MetricsRecorder()
    const latency = recorder.histogram('it_latency_seconds')
    const report = await strategy.iterate(
      async ({ index }) => {
        seen.push(index)
        await sleep(2)
      },
      { latency: latency.labels() },
    )
    expect(report.scheduled).toBe(strategy.iterations)
    expect(report.started).toBe(100)
    expect(report.succeeded).toBe(100)
    expect(report.failed).toBe(0)
    expect(report.dropped).toBe(0)
    expect(seen).toEqual([...Array(100).keys()])
    expect(report.latency.count).toBe(100)
    expect(latency.stats().count).toBe(100)
    expect(report.latency.min).toBeGreaterThan(0.001) // the 2 ms sleep, at least (HDR precision)
    expect(report.startLag.count).toBe(100)
    expect(report.achievedRate).toBeGreaterThan(100)
    expect(report.achievedRate).toBeLessThan(400)
  })

  it('counts failures by reason and keeps a bounded sample of their messages', async () => {
    const strategy = constantArrivalRate({ rate: 1_000, durationMs: 100, maxInFlight: 1_000 })
    const report = await strategy.iterate(
      ({ index }) => {
        if (index % 2 === 0) throw Object.assign(new Error(`boom ${index}`), { code: 'E_BOOM' })
        if (index % 5 === 0) return Promise.reject(new TypeError(`bad ${index}`))
      },
      { failureSamples: 3 },
    )
    expect(report.started).toBe(100)
    expect(report.failures.E_BOOM?.count).toBe(50)
    expect(report.failures.E_BOOM?.samples).toEqual(['boom 0', 'boom 2', 'boom 4'])
    expect(report.failures.TypeError?.count).toBe(10)
    expect(report.failed).toBe(60)
    expect(report.succeeded).toBe(40)
    expect(report.latency.count).toBe(100)
  })

  it('caps distinct reasons, folding the rest into "other"', async () => {
    const strategy = constantArrivalRate({ rate: 1_000, durationMs: 20, maxInFlight: 100 })
    const report = await strategy.iterate(
      ({ index }) => {
        throw Object.assign(new Error('x'), { code: `E${index}` })
      },
      { maxReasons: 5 },
    )
    expect(Object.keys(report.failures)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'other'])
    expect(report.failures.other?.count).toBe(15)
    expect(report.failures.other?.samples.length).toBeLessThanOrEqual(5)
  })

  it('drops and counts arrivals beyond maxInFlight instead of delaying them', async () => {
    const strategy = constantArrivalRate({ rate: 1_000, durationMs: 50, maxInFlight: 2 })
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const pending = strategy.iterate(() => gate)
    await sleep(100)
    release()
    const report = await pending
    expect(report.scheduled).toBe(50)
    expect(report.started).toBe(2)
    expect(report.dropped).toBe(48)
    expect(report.peakInFlight).toBe(2)
    expect(report.succeeded).toBe(2)
  })

  it('stops scheduling on abort and still settles the iterations in flight', async () => {
    const strategy = constantArrivalRate({ rate: 100, durationMs: 10_000, maxInFlight: 100 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const report = await strategy.iterate(
      async ({ signal }) => {
        await sleep(5, undefined, { signal }).catch(() => {})
      },
      { signal: controller.signal },
    )
    expect(report.started).toBeGreaterThan(0)
    expect(report.started).toBeLessThan(1_000)
    expect(report.succeeded + report.failed).toBe(report.started)
  })
})
