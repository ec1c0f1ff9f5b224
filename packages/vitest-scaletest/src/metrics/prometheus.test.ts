import { spawnSync } from 'node:child_process'

import { describe, expect, it } from 'vitest'

import { requireBinary } from '../../test/reporter/binaries.ts'
import { latencySamples } from '../../test/reporter/samples.ts'
import { MetricsAggregate } from './aggregate.ts'
import { toPrometheusText } from './prometheus.ts'
import { MetricsRecorder } from './recorder.ts'

function sampleAggregate(users: number) {
  const recorder = new MetricsRecorder()
  const h = recorder.histogram('notification_delivery_latency_seconds', {
    help: 'Delivery "latency"\nper type',
  })
  const samples = latencySamples(5_000, 3).map((s) => s / 100)
  for (const [i, s] of samples.entries()) {
    h.observe(s, { notification_type: i % 2 ? 'smtp' : 'websocket', username: `user${i % users}` })
  }
  recorder.counter('notification_delivery_errors_total', { help: 'errors' }).inc({ action: 'dial' }, 2)
  recorder.gauge('scaletest_users', { help: 'users' }).set(users)
  const aggregate = new MetricsAggregate()
  aggregate.add(recorder.toJSON())
  return { aggregate, samples }
}

describe('Prometheus exposition', () => {
  it('is accepted by promtool check metrics', async () => {
    const promtool = requireBinary('/usr/bin/promtool', 'prometheus')
    const { aggregate } = sampleAggregate(5)
    const text = await toPrometheusText(aggregate)
    const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' })
    expect(result.stderr + result.stdout).toBe('')
    expect(result.status).toBe(0)
  })

  it('has cumulative buckets that match the raw samples within HDR precision', async () => {
    const { aggregate, samples } = sampleAggregate(3)
    const text = await toPrometheusText(aggregate, { maxLabelValues: 2 })
    const smtp = samples.filter((_, i) => i % 2 === 1)
    for (const le of [0.001, 0.01, 0.1, 1, 10]) {
      const line = text
        .split('\n')
        .find((l) =>
          l.startsWith(`notification_delivery_latency_seconds_bucket{notification_type="smtp",le="${le}"}`),
        )
      const exported = Number(line?.split(' ')[1])
      const lower = smtp.filter((s) => s <= le * (1 - 1 / 1024) - 1e-6).length
      const upper = smtp.filter((s) => s <= le * (1 + 1 / 1024) + 1e-6).length
      expect(exported).toBeGreaterThanOrEqual(lower)
      expect(exported).toBeLessThanOrEqual(upper)
    }
    expect(text).toContain(
      `notification_delivery_latency_seconds_count{notification_type="smtp"} ${smtp.length}`,
    )
    expect(text).toContain(
      'notification_delivery_latency_seconds_bucket{notification_type="smtp",le="+Inf"} 2500',
    )
    // username had 3 values, above the limit of 2, so it is folded away
    expect(text).not.toContain('username=')
    expect(text).toContain('notification_delivery_errors_total{action="dial"} 2')
  })
})
