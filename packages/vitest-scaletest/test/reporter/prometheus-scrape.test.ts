import { describe, expect, it } from 'vitest'

import { freePort, startPrometheus } from './daemons.ts'
import { createProject, runProgrammatic, scenarioFile } from './vitest-project.ts'

interface QueryResponse {
  status: string
  data: { result: { metric: Record<string, string>; value: [number, string] }[] }
}

async function query(prometheusUrl: string, promql: string) {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)
  return ((await response.json()) as QueryResponse).data.result
}

describe('live /metrics endpoint', () => {
  it('is scraped by a real Prometheus, which sees the final values during SCALETEST_PROMETHEUS_WAIT', {
    timeout: 30_000,
  }, async () => {
    const port = await freePort()
    await using prometheus = await startPrometheus(`127.0.0.1:${port}`)
    await using project = await createProject({
      'live.scale.test.ts': scenarioFile({ seed: 9, count: 1000, missed: 4 }),
    })

    const started = Date.now()
    const running = runProgrammatic(project, {
      prometheusAddress: `127.0.0.1:${port}`,
      prometheusWaitMs: 6000,
      progress: 'never',
    })

    let seen: Awaited<ReturnType<typeof query>> = []
    while (Date.now() - started < 20_000) {
      seen = await query(prometheus.url, 'notification_delivery_missed_total{job="scaletest"}')
      if (seen.length > 0) break
      await new Promise((r) => setTimeout(r, 250))
    }
    // Read while the endpoint is still held open: a scrape after it closes marks the series stale.
    const count = await query(
      prometheus.url,
      'notification_delivery_latency_seconds_count{notification_type="smtp"}',
    )
    const run = await running
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(`scaletest metrics endpoint listening on http://127.0.0.1:${port}/metrics`)
    expect(seen, prometheus.output()).toHaveLength(1)
    expect(seen[0]!.metric).toMatchObject({ instance: `127.0.0.1:${port}`, notification_type: 'smtp' })
    expect(seen[0]!.value[1]).toBe('4')
    expect(count[0]?.value[1]).toBe('500')
    // the run held the endpoint open for the wait, then closed it
    expect(Date.now() - started).toBeGreaterThanOrEqual(6000)
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow()
  })
})
