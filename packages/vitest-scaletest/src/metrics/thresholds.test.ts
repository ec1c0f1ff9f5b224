import { describe, expect, it } from 'vitest'

import { MetricsAggregate } from './aggregate.ts'
import { MetricsRecorder } from './recorder.ts'
import { evaluateThresholds } from './threshold-eval.ts'
import { parseThresholds, ThresholdSyntaxError } from './threshold-parser.ts'

describe('parseThresholds', () => {
  it('reads selectors with labels and k6-style expressions', () => {
    const [t] = parseThresholds({
      'notification_delivery_latency_seconds{notification_type="smtp", method="a\\"b"}': [
        'p(99.9)<5',
        'max<=30',
        'avg!=1e-3',
      ],
    })
    expect(t).toEqual({
      selector: 'notification_delivery_latency_seconds{notification_type="smtp", method="a\\"b"}',
      metric: 'notification_delivery_latency_seconds',
      labels: { notification_type: 'smtp', method: 'a"b' },
      expressions: [
        {
          source: 'p(99.9)<5',
          aggregation: { kind: 'percentile', percentile: 99.9 },
          operator: '<',
          bound: 5,
        },
        { source: 'max<=30', aggregation: { kind: 'max' }, operator: '<=', bound: 30 },
        { source: 'avg!=1e-3', aggregation: { kind: 'avg' }, operator: '!=', bound: 0.001 },
      ],
    })
  })

  it.each([
    [{ 'bad-name': ['max<1'] }, /selector "bad-name" is not valid/],
    [{ 'x{type=smtp}': ['max<1'] }, /cannot read label matcher at "type=smtp"/],
    [{ x: ['p99<5'] }, /threshold "p99<5" on x is not valid/],
    [{ x: ['p(0)<5'] }, /percentile must be in \(0, 100\]/],
    [{ x: ['max<'] }, /threshold "max<" on x is not valid/],
    [{ x: ['median<3'] }, /not valid/],
    [{ x: [] }, /non-empty array/],
  ])('rejects %j with a message quoting the input', (config, message) => {
    expect(() => parseThresholds(config)).toThrow(ThresholdSyntaxError)
    expect(() => parseThresholds(config)).toThrow(message)
  })
})

describe('evaluateThresholds', () => {
  const recorder = new MetricsRecorder()
  const latency = recorder.histogram('lat_seconds')
  for (let i = 1; i <= 100; i++) latency.observe(i / 10, { type: i % 2 === 0 ? 'smtp' : 'ws' })
  recorder.counter('missed_total').inc({ type: 'smtp' }, 3)
  recorder.counter('declared_total')
  recorder.gauge('users').set(40)
  const aggregate = new MetricsAggregate()
  aggregate.add(JSON.parse(JSON.stringify(recorder.toJSON())))

  const check = (selector: string, expression: string) =>
    evaluateThresholds(parseThresholds({ [selector]: [expression] }), aggregate)[0]!

  it('measures histogram aggregations over the matching series', () => {
    expect(check('lat_seconds{type="smtp"}', 'max<30')).toMatchObject({ ok: true, actual: 10 })
    expect(check('lat_seconds{type="smtp"}', 'count==50')).toMatchObject({ ok: true, actual: 50 })
    expect(check('lat_seconds', 'min>=0.1')).toMatchObject({ ok: true, actual: 0.1 })
    const p99 = check('lat_seconds', 'p(99)<5')
    expect(p99.ok).toBe(false)
    expect(p99.actual).toBeCloseTo(9.9, 2)
    expect(check('lat_seconds', 'avg<6').actual).toBeCloseTo(5.05, 6)
  })

  it('measures counters and gauges', () => {
    expect(check('missed_total', 'count==0')).toMatchObject({ ok: false, actual: 3 })
    expect(check('missed_total{type="ws"}', 'count==0')).toMatchObject({ ok: true, actual: 0 })
    expect(check('declared_total', 'count==0')).toMatchObject({ ok: true, actual: 0 })
    expect(check('users', 'value>=40')).toMatchObject({ ok: true, actual: 40 })
  })

  it('fails, with a reason, when there is nothing to measure', () => {
    expect(check('nope_total', 'count==0')).toMatchObject({
      ok: false,
      actual: null,
      reason: 'metric nope_total was not recorded in this run',
    })
    expect(check('lat_seconds{type="none"}', 'p(99)<5')).toMatchObject({
      ok: false,
      reason: 'no samples of lat_seconds{type="none"}',
    })
    expect(check('missed_total', 'p(99)<5').reason).toMatch(/p\(99\) does not apply to counter missed_total/)
  })
})
