// The fleet suites as a pipeline runs them, one Vitest process each, against one simulator:
// create-users (a pool kept) → create-workspaces (kept) → workspace-traffic (on those) → cleanup.
// At the end the simulator holds exactly the users and workspaces it held before.

import { afterEach, expect, it } from 'vitest'

import { CoderClient, createAgentTemplate } from '@scaletest/vitest'
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

it('create-users → create-workspaces → workspace-traffic → cleanup leaves the simulator as it was', async () => {
  const target = await startSimulatorTarget<Results>({ jobDurationMs: 30 }, teardown)
  const owner = new CoderClient({ url: target.coderd.url, sessionToken: target.sessionToken })
  teardown.push(() => owner.close())
  const org = await owner.defaultOrganization()
  const template = await createAgentTemplate(owner, org.id, 'fleet-compose')
  // Someone who is not the tests': must survive the whole pipeline.
  await owner.createUser({
    username: 'carol',
    email: 'carol@example.com',
    password: 'carol-password-1',
    login_type: 'password',
    organization_ids: [org.id],
  })
  const snapshot = async () => ({
    users: (await owner.listUsers({})).users.map((u) => u.username).sort(),
    workspaces: (await owner.listWorkspaces({})).workspaces.map((w) => w.name).sort(),
  })
  const before = await snapshot()

  const stage = async (suite: string, env: NodeJS.ProcessEnv) => {
    const run = target.runScenario(`suites/${suite}/${suite}.scale.test.ts`, {
      SCALETEST_CONCURRENCY: '0',
      ...env,
    })
    const { code, output } = await run.exited
    expect(output).not.toContain(target.sessionToken)
    expect(code, `${suite}:\n${output}`).toBe(0)
    return target.results()
  }

  const users = await stage('create-users', {
    CODER_SCALETEST_CREATE_USERS_COUNT: '4',
    CODER_SCALETEST_CREATE_USERS_USERNAME_PREFIX: 'pool',
    CODER_SCALETEST_NO_CLEANUP: 'true',
  })
  expect(users.harness.total_runs).toBe(4)
  const pool = (await owner.listUsers({ q: 'scaletest-pool-' })).users
  expect(pool).toHaveLength(4)

  const built = await stage('create-workspaces', {
    CODER_SCALETEST_COUNT: '3',
    CODER_SCALETEST_TEMPLATE: template.name,
    CODER_SCALETEST_RUN_COMMAND: 'echo fleet-ready',
    CODER_SCALETEST_RUN_EXPECT_OUTPUT: 'fleet-ready',
    CODER_SCALETEST_NO_CLEANUP: 'true',
  })
  expect(built.harness.total_runs).toBe(3)
  expect((await owner.listWorkspaces({ q: 'name:"scaletest-"' })).count).toBe(3)

  const traffic = await stage('workspace-traffic', {
    CODER_SCALETEST_TEMPLATE: template.name,
    CODER_SCALETEST_TARGET_WORKSPACES: '0:2',
    CODER_SCALETEST_WORKSPACE_TRAFFIC_BYTES_PER_TICK: '256',
    CODER_SCALETEST_WORKSPACE_TRAFFIC_TICK_INTERVAL: '50ms',
    CODER_SCALETEST_TIMEOUT: '1s',
    SCALETEST_WORKSPACE_TRAFFIC_FLEET_COUNT: '0',
  })
  const runs = Object.values(traffic.harness.runs)
  expect(runs).toHaveLength(2) // the 0:2 slice of 3
  for (const { metrics } of runs) {
    const ticks = metrics.ticks ?? 0
    expect(ticks).toBeGreaterThanOrEqual(10)
    expect(metrics.total_bytes_written).toBe(ticks * 256)
    // The terminal echoes every byte, the newline as \r\n.
    expect(metrics.total_bytes_read).toBe(ticks * 257)
  }

  const cleaned = await stage('cleanup', {})
  expect(cleaned.harness.total_runs).toBe(3 + 4 + 3) // workspaces, pool users, workspace owners
  expect(await snapshot()).toEqual(before)
  await owner.deleteTemplate(template.id)
}, 240_000)
