import fc from 'fast-check'
import * as hdr from 'hdr-histogram-js'
import { describe, expect, it } from 'vitest'

import { latencySamples, rawPercentile, withinHdrPrecision } from '../../test/reporter/samples.ts'
import { MetricsAggregate } from './aggregate.ts'
import { MetricsError } from './errors.ts'
import { HdrCounts } from './hdr-counts.ts'
import { MetricsRecorder } from './recorder.ts'
import { percentile } from './series-stats.ts'
import type { MetricsSnapshot } from './snapshot.ts'
import { ThresholdSyntaxError } from './threshold-parser.ts'

const PERCENTILES = [1, 10, 50, 90, 95, 99, 99.9, 100]

function roundTrip(snapshot: MetricsSnapshot): MetricsSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as MetricsSnapshot
}

describe('MetricsRecorder histograms', () => {
  it('reports quantiles within HDR precision of the raw samples, from 1 µs to 1 h', () => {
    const samples = latencySamples(20_000, 7)
    const histogram = new MetricsRecorder().histogram('delivery_latency_seconds', { help: 'latency' })
    for (const s of samples) histogram.observe(s, { notification_type: 'smtp' })
    for (const p of PERCENTILES) {
      const actual = histogram.quantile(p / 100)
      const expected = rawPercentile(samples, p)
      expect(withinHdrPrecision(actual, expected), `p${p}: ${actual} vs ${expected}`).toBe(true)
    }
    const stats = histogram.stats({ notification_type: 'smtp' })
    expect(stats.count).toBe(samples.length)
    expect(stats.min).toBe(Math.min(...samples))
    expect(stats.max).toBe(Math.max(...samples))
    expect(stats.sum).toBeCloseTo(
      samples.reduce((a, b) => a + b, 0),
      6,
    )
  })

  it('files values in exactly the buckets HdrHistogram uses (dense bucket counts = library histogram)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 36 }), { minLength: 1, maxLength: 300 }),
        (values) => {
          const counts = new HdrCounts()
          const direct = hdr.build({
            bitBucketSize: 'packed',
            numberOfSignificantValueDigits: 3,
            autoResize: true,
          })
          for (const v of values) {
            counts.record(v)
            direct.recordValue(v)
          }
          const viaCounts = counts.toHdr()
          for (const p of PERCENTILES)
            expect(viaCounts.getValueAtPercentile(p)).toBe(direct.getValueAtPercentile(p))
          expect(viaCounts.totalCount).toBe(values.length)
        },
      ),
      { numRuns: 25 },
    )
  })

  it('merges bucket counts exactly, for small values and values beyond 2^32 alike', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 200 }),
        (left, right) => {
          const a = new HdrCounts()
          const b = new HdrCounts()
          const whole = new HdrCounts()
          for (const v of left) a.record(v)
          for (const v of right) b.record(v)
          for (const v of [...left, ...right]) whole.record(v)
          a.merge(b)
          const merged: [number, number][] = []
          const direct: [number, number][] = []
          a.eachBucket((value, count) => merged.push([value, count]))
          whole.eachBucket((value, count) => direct.push([value, count]))
          expect(merged).toEqual(direct)
          expect(merged.reduce((n, [, c]) => n + c, 0)).toBe(left.length + right.length)
        },
      ),
      { numRuns: 25 },
    )
  })

  it('merges snapshots from several recorders exactly as if one recorder saw every sample', () => {
    const samples = latencySamples(9_000, 11)
    const whole = new MetricsRecorder().histogram('x_seconds')
    const aggregate = new MetricsAggregate()
    for (let part = 0; part < 3; part++) {
      const recorder = new MetricsRecorder()
      const h = recorder.histogram('x_seconds')
      for (const s of samples.slice(part * 3000, (part + 1) * 3000)) {
        h.observe(s, { kind: part === 0 ? 'a' : 'b' })
        whole.observe(s, { kind: part === 0 ? 'a' : 'b' })
      }
      aggregate.add(roundTrip(recorder.toJSON()))
    }
    const merged = aggregate.combinedHistogram('x_seconds', {})!
    expect(merged.count).toBe(9_000)
    for (const p of PERCENTILES) expect(percentile(merged, p, 1e-6)).toBe(whole.quantile(p / 100))
    const onlyB = aggregate.combinedHistogram('x_seconds', { kind: 'b' })!
    expect(onlyB.count).toBe(6_000)
    expect(percentile(onlyB, 99, 1e-6)).toBe(whole.quantile(0.99, { kind: 'b' }))
  })

  it('keeps one series per label set whatever the key order, and rejects mixed label names', () => {
    const h = new MetricsRecorder().histogram('y_seconds')
    h.observe(1, { a: '1', b: '2' })
    h.observe(2, { b: '2', a: '1' })
    expect(h.series()).toHaveLength(1)
    expect(h.series()[0]!.count).toBe(2)
    expect(() => h.observe(1, { a: '1' })).toThrow(/labels \{a\} differ from the metric's labels \{a,b\}/)
  })

  it('rejects values it cannot record, with the metric name in the message', () => {
    const h = new MetricsRecorder().histogram('z_seconds')
    expect(() => h.observe(-1)).toThrow(/histogram z_seconds: cannot observe -1/)
    expect(() => h.observe(Number.NaN)).toThrow(MetricsError)
    expect(() => h.observe(Number.POSITIVE_INFINITY)).toThrow(MetricsError)
    expect(() => h.quantile(99)).toThrow(/not in \[0, 1\]/)
  })

  it('times code with startTimer', async () => {
    const h = new MetricsRecorder().histogram('t_seconds')
    const stop = h.startTimer({ step: 'sleep' })
    await new Promise((r) => setTimeout(r, 20))
    const seconds = stop()
    expect(seconds).toBeGreaterThanOrEqual(0.015)
    expect(h.stats({ step: 'sleep' }).count).toBe(1)
  })
})

describe('MetricsRecorder counters, gauges and names', () => {
  it('counts with and without labels', () => {
    const recorder = new MetricsRecorder()
    const plain = recorder.counter('runs_total')
    plain.inc()
    plain.inc(2)
    expect(plain.value()).toBe(3)
    const c = recorder.counter('errors_total', { help: 'errors' })
    c.inc({ action: 'dial' })
    c.inc({ action: 'dial' }, 4)
    c.inc({ action: 'read' })
    expect(c.value()).toBe(6)
    expect(c.value({ action: 'dial' })).toBe(5)
    expect(() => c.inc({ action: 'dial' }, -1)).toThrow(/counters only go up/)
  })

  it('merges gauges by their rule', () => {
    const aggregate = new MetricsAggregate()
    for (const [value, at] of [
      [3, 1000],
      [7, 500],
    ] as const) {
      aggregate.add({
        version: 1,
        startedAt: 0,
        endedAt: at,
        metrics: {
          last_g: { type: 'gauge', help: 'g', merge: 'last', series: [{ labels: {}, value, updatedAt: at }] },
          sum_g: { type: 'gauge', help: 'g', merge: 'sum', series: [{ labels: {}, value, updatedAt: at }] },
          max_g: { type: 'gauge', help: 'g', merge: 'max', series: [{ labels: {}, value, updatedAt: at }] },
        },
      })
    }
    const value = (name: string) => [...aggregate.metrics.get(name)!.series.values()][0] as { value: number }
    expect(value('last_g').value).toBe(3)
    expect(value('sum_g').value).toBe(10)
    expect(value('max_g').value).toBe(7)
  })

  it('refuses bad names, a name reused with another type, and merging conflicting types', () => {
    const recorder = new MetricsRecorder()
    expect(() => recorder.counter('bad-name')).toThrow(/not a Prometheus name/)
    recorder.counter('dup_total')
    expect(() => recorder.histogram('dup_total')).toThrow(/already a counter/)
    expect(() => recorder.counter('dup_total').inc({ __x: 'y' })).toThrow(/label name "__x"/)
    const aggregate = new MetricsAggregate()
    aggregate.add(recorder.toJSON())
    const other = new MetricsRecorder()
    other.gauge('dup_total').set(1)
    expect(() => aggregate.add(other.toJSON())).toThrow(/is a counter in one test and a gauge in another/)
  })

  it('declares thresholds, failing fast on bad syntax', () => {
    const recorder = new MetricsRecorder()
    recorder.thresholds({ 'lat_seconds{type="smtp"}': ['p(99)<5'], missed_total: 'count==0' })
    expect(recorder.toJSON().thresholds).toEqual({
      'lat_seconds{type="smtp"}': ['p(99)<5'],
      missed_total: ['count==0'],
    })
    expect(() => recorder.thresholds({ lat_seconds: ['p99<5'] })).toThrow(ThresholdSyntaxError)
  })
})
