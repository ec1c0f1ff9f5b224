// workspace-traffic in app mode as a pipeline runs it: a fleet is there already, and the suite
// dials each workspace's `echo` app as the session user (a site owner), as Coder's
// `workspace-traffic --app` does. That needs coderd's dangerous path-app site-owner access; without
// it coderd answers the owner with its "Application Not Found" page and the run fails.

import { afterEach, expect, it } from 'vitest'

import { buildFleet, CoderClient } from '@scaletest/vitest'
import { startSimulatorTarget } from '../support/simulator-target.ts'

const teardown: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

interface Results {
  harness: {
    total_runs: number
    total_fail: number
    runs: Record<string, { metrics: Record<string, number> }>
  }
}

const TRAFFIC = {
  CODER_SCALETEST_WORKSPACE_TRAFFIC_APP: 'echo',
  CODER_SCALETEST_WORKSPACE_TRAFFIC_BYTES_PER_TICK: '256',
  CODER_SCALETEST_WORKSPACE_TRAFFIC_TICK_INTERVAL: '50ms',
  CODER_SCALETEST_TIMEOUT: '1s',
  SCALETEST_WORKSPACE_TRAFFIC_FLEET_COUNT: '0',
}

async function targetWithFleet(allowSiteOwner: boolean) {
  const target = await startSimulatorTarget<Results>(
    { jobDurationMs: 30, dangerousAllowPathAppSiteOwnerAccess: allowSiteOwner },
    teardown,
  )
  const owner = new CoderClient({ url: target.coderd.url, sessionToken: target.sessionToken })
  teardown.push(() => owner.close())
  const org = await owner.defaultOrganization()
  const fleet = await buildFleet(owner, { count: 3, organizationId: org.id })
  teardown.push(() => fleet.close())
  return target
}

it('sends every tick to each workspace app and reads all of it back', async () => {
  const target = await targetWithFleet(true)
  const run = target.runScenario('suites/workspace-traffic/workspace-traffic.scale.test.ts', TRAFFIC)
  const { code, output } = await run.exited
  expect(output).not.toContain(target.sessionToken)
  expect(code, output).toBe(0)
  expect(output).toContain('over app echo')
  const results = await target.results()
  expect(results.harness).toMatchObject({ total_runs: 3, total_fail: 0 })
  for (const { metrics } of Object.values(results.harness.runs)) {
    const ticks = metrics.ticks ?? 0
    expect(ticks).toBeGreaterThanOrEqual(10)
    // The echo app sends the bytes back as they were: read = written.
    expect(metrics.total_bytes_written).toBe(ticks * 256)
    expect(metrics.total_bytes_read).toBe(metrics.total_bytes_written)
    expect(metrics.unanswered_ticks).toBe(0)
  }
}, 180_000)

it("fails every run with coderd's 404 app page when site owners may not open path apps", async () => {
  const target = await targetWithFleet(false)
  const run = target.runScenario('suites/workspace-traffic/workspace-traffic.scale.test.ts', TRAFFIC)
  const { code, output } = await run.exited
  expect(output).not.toContain(target.sessionToken)
  expect(code).not.toBe(0)
  expect(output).toContain('connect to workspace app: websocket dial:')
  expect(output).toContain('Application Not Found')
  expect((await target.results()).harness).toMatchObject({ total_runs: 3, total_fail: 3 })
}, 180_000)
