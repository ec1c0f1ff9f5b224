// The workspace-updates scenario's own tests live here, not in suites/workspace-updates, so
// `npx vitest run suites/workspace-updates` runs the scenario alone; `npm test` still runs these.
// The workspace-updates scenario as CI runs it, in its own Vitest process against a simulator
// started here (given as CODER_URL), so a fault in the simulator can fail it.

import { afterEach, expect, it } from 'vitest'

import type { EventFaults } from '@scaletest/mocks'
import { type SimulatorTarget, startSimulatorTarget } from '../support/simulator-target.ts'

const teardown: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

interface Results {
  thresholds: { ok: boolean; results: Array<{ selector: string; ok: boolean }> }
  harness: { total_runs: number; total_fail: number; runs: Record<string, { error: string | null }> }
}

async function runAgainst(eventFaults: EventFaults, env: NodeJS.ProcessEnv = {}) {
  const target: SimulatorTarget<Results> = await startSimulatorTarget(
    { jobDurationMs: 50, eventFaults },
    teardown,
  )
  const run = target.runScenario('suites/workspace-updates/workspace-updates.scale.test.ts', {
    CODER_SCALETEST_WORKSPACE_COUNT: '4',
    CODER_SCALETEST_POWER_USER_WORKSPACES: '2',
    ...env,
  })
  return { target, ...(await run.exited) }
}

it('fails the run by the latency threshold when updates are held back', async () => {
  const { target, code, output } = await runAgainst({ workspace_updates_delay_ms: 6_000 })

  expect(code).not.toBe(0)
  expect(output).toMatch(/threshold failed: .*workspace_updates_latency_seconds p\(99\)<5 \(measured [6-9]/)
  expect(output).not.toContain(target.sessionToken)
  const results = await target.results()
  expect(results.thresholds.results).toContainEqual(
    expect.objectContaining({ selector: 'workspace_updates_latency_seconds', ok: false }),
  )
  expect(results.harness).toMatchObject({ total_runs: 3, total_fail: 0 })
  expect([...target.coderd.state.users.values()].map((u) => u.username)).toEqual(['owner'])
}, 90_000)

it('fails the run by the error counter when updates are dropped, and still cleans up', async () => {
  const { target, code, output } = await runAgainst(
    { workspace_updates_drop: true },
    { CODER_SCALETEST_WORKSPACE_UPDATES_TIMEOUT: '2s' },
  )

  expect(code).not.toBe(0)
  expect(output).toMatch(/threshold failed: .*workspace_updates_errors_total count==0 \(measured 3/)
  const results = await target.results()
  expect(results.harness.total_fail).toBe(3)
  for (const run of Object.values(results.harness.runs))
    expect(run.error).toMatch(/timeout waiting for workspace updates after 2000ms/)
  expect([...target.coderd.state.users.values()].map((u) => u.username)).toEqual(['owner'])
  expect([...target.coderd.state.workspaces.values()].filter((w) => !w.deleted)).toEqual([])
}, 90_000)
