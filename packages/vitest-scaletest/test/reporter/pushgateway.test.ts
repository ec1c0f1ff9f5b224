import { describe, expect, it } from 'vitest'

import { startPushgateway } from './daemons.ts'
import { createProject, runProgrammatic, scenarioFile } from './vitest-project.ts'

describe('Pushgateway push', () => {
  it('pushes the merged metrics with job and instance labels at the end of the run', {
    timeout: 30_000,
  }, async () => {
    await using gateway = await startPushgateway()
    await using project = await createProject({
      'push.scale.test.ts': scenarioFile({ seed: 5, count: 1000, missed: 2 }),
    })
    const run = await runProgrammatic(project, {
      pushgatewayUrl: gateway.url,
      pushgatewayJob: 'scaletest-e2e',
      instance: 'shard-1',
      progress: 'never',
    })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(
      'scaletest metrics pushed to the Pushgateway (job=scaletest-e2e, instance=shard-1)',
    )

    const text = await (await fetch(`${gateway.url}/metrics`)).text()
    const line = (prefix: string) => text.split('\n').find((l) => l.startsWith(prefix))
    expect(
      line(
        'notification_delivery_missed_total{instance="shard-1",job="scaletest-e2e",notification_type="smtp"}',
      ),
    ).toMatch(/ 2$/)
    expect(
      line(
        'notification_delivery_latency_seconds_count{instance="shard-1",job="scaletest-e2e",notification_type="websocket"}',
      ),
    ).toMatch(/ 500$/)
    expect(line('scaletest_tests{instance="shard-1",job="scaletest-e2e",state="passed"}')).toMatch(/ 1$/)
  })

  it("groups a shard's push by shard, and labels its series so", { timeout: 30_000 }, async () => {
    await using gateway = await startPushgateway()
    await using project = await createProject({ 'push.scale.test.ts': scenarioFile({ seed: 5, count: 10 }) })
    process.env.SCALETEST_SHARD = '2/3'
    try {
      const run = await runProgrammatic(project, {
        pushgatewayUrl: gateway.url,
        instance: 'pod-b',
        progress: 'never',
        outputDir: 'out',
      })
      expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    } finally {
      delete process.env.SCALETEST_SHARD
    }
    const text = await (await fetch(`${gateway.url}/metrics`)).text()
    expect(text).toMatch(/^scaletest_tests\{instance="pod-b",job="scaletest",shard="2",state="passed"\} 1$/m)
  })

  it('reports a failed push as an error without hiding the results', { timeout: 30_000 }, async () => {
    await using project = await createProject({ 'push.scale.test.ts': scenarioFile({ seed: 5, count: 10 }) })
    // a port nothing listens on: connection refused
    const run = await runProgrammatic(project, {
      pushgatewayUrl: 'http://127.0.0.1:9/',
      progress: 'never',
      outputDir: 'out',
    })
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toMatch(/ERROR: push to Pushgateway http:\/\/127\.0\.0\.1:9\/ failed/)
    expect(run.stdout).toContain('scaletest summary')
  })
})
