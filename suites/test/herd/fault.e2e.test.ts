// The autostart scenario's own tests live here, not in suites/autostart, so
// `npx vitest run suites/autostart` runs the scenario alone; `npm test` still runs these.
// The autostart scenario as CI runs it, in its own Vitest process against a simulator started
// here (given as CODER_URL, like a real deployment), so a fault in the simulator can fail it.

import { afterEach, expect, it } from 'vitest'

import { type SimulatorTarget, startSimulatorTarget } from '../support/simulator-target.ts'

const teardown: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

interface Results {
  thresholds: { ok: boolean; results: Array<{ selector: string; ok: boolean }> }
  harness: { total_runs: number; total_fail: number }
}

it('fails the run by the job-creation threshold when the watch-all stream is held back', async () => {
  const target: SimulatorTarget<Results> = await startSimulatorTarget(
    { jobDurationMs: 20, eventFaults: { watch_all_delay_ms: 6_000 } },
    teardown,
  )
  const run = target.runScenario('suites/autostart/autostart.scale.test.ts', {
    CODER_SCALETEST_WORKSPACE_COUNT: '3',
  })
  const { code, output } = await run.exited

  expect(code).not.toBe(0)
  expect(output).toMatch(
    /threshold failed: .*autostart_job_creation_latency_seconds p\(99\)<5 \(measured [6-9]/,
  )
  expect(output).not.toContain(target.sessionToken)
  const results = await target.results()
  expect(results.thresholds.results).toContainEqual(
    expect.objectContaining({ selector: 'autostart_job_creation_latency_seconds', ok: false }),
  )
  expect(results.thresholds.results).toContainEqual(
    expect.objectContaining({ selector: 'autostart_errors_total', ok: true }),
  )
  // Every run passed (the builds came, late) and cleanup removed their users and workspaces.
  expect(results.harness).toMatchObject({ total_runs: 3, total_fail: 0 })
  expect([...target.coderd.state.users.values()].map((u) => u.username)).toEqual(['owner'])
  expect([...target.coderd.state.workspaces.values()].filter((w) => !w.deleted)).toEqual([])
  expect(target.coderd.state.templates.size).toBe(0)
}, 90_000)
