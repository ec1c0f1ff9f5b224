// The task-status scenario's own tests live here, not in suites/task-status, so
// `npx vitest run suites/task-status` runs the scenario alone; `npm test` still runs these.
// The scenario as CI runs it, in its own Vitest process against a simulator started here (given as
// CODER_URL, like a real deployment), so a fault in the simulator's app-status publications can
// fail it.

import { afterEach, expect, it } from 'vitest'

import type { EventFaults } from '@scaletest/mocks'
import { type SimulatorTarget, startSimulatorTarget } from '../support/simulator-target.ts'

const teardown: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

interface Results {
  thresholds: { ok: boolean; results: Array<{ selector: string; ok: boolean }> }
  harness: {
    total_runs: number
    total_fail: number
    runs: Record<string, { error: string | null; metrics: Record<string, number> }>
  }
}

async function runAgainst(eventFaults: EventFaults, env: NodeJS.ProcessEnv) {
  const target: SimulatorTarget<Results> = await startSimulatorTarget(
    { jobDurationMs: 20, eventFaults },
    teardown,
  )
  const run = target.runScenario('suites/task-status/task-status.scale.test.ts', {
    CODER_SCALETEST_COUNT: '2',
    CODER_SCALETEST_BASELINE_DURATION: '0s',
    ...env,
  })
  return { target, ...(await run.exited) }
}

function expectCleanedUp(target: SimulatorTarget<Results>) {
  expect([...target.coderd.state.workspaces.values()].filter((w) => !w.deleted)).toEqual([])
  expect(target.coderd.state.templates.size).toBe(0)
}

it('fails the run by the latency threshold when app-status publications are held back', async () => {
  // A delay under the period: each publication still carries its own report, late.
  const { target, code, output } = await runAgainst(
    { app_status_delay_ms: 2_500 },
    { CODER_SCALETEST_REPORT_STATUS_PERIOD: '3s', CODER_SCALETEST_REPORT_STATUS_DURATION: '4s' },
  )

  expect(code).not.toBe(0)
  expect(output).toMatch(
    /threshold failed: .*task_status_to_workspace_update_latency_seconds p\(99\)<2 \(measured (2\.[5-9]|[3-9])/,
  )
  expect(output).not.toContain(target.sessionToken)
  const results = await target.results()
  expect(results.thresholds.results).toContainEqual(
    expect.objectContaining({ selector: 'task_status_to_workspace_update_latency_seconds', ok: false }),
  )
  expect(results.thresholds.results).toContainEqual(
    expect.objectContaining({ selector: 'missing_status_updates_total', ok: true }),
  )
  // Every run passed (each report showed, late): two reports each, at 3 s and 6 s.
  expect(results.harness).toMatchObject({ total_runs: 2, total_fail: 0 })
  for (const run of Object.values(results.harness.runs))
    expect(run.metrics).toEqual({ reported: 2, seen: 2, missing: 0, report_errors: 0 })
  expectCleanedUp(target)
}, 90_000)

it('fails the run by the missing-updates threshold when app-status publications are dropped', async () => {
  const { target, code, output } = await runAgainst(
    { app_status_drop: true },
    {
      CODER_SCALETEST_REPORT_STATUS_PERIOD: '1s',
      CODER_SCALETEST_REPORT_STATUS_DURATION: '1500ms',
      SCALETEST_TASK_STATUS_UPDATE_TIMEOUT: '1s',
    },
  )

  expect(code).not.toBe(0)
  expect(output).toMatch(/threshold failed: .*missing_status_updates_total count==0 \(measured 4/)
  const results = await target.results()
  expect(results.harness.total_fail).toBe(2)
  for (const run of Object.values(results.harness.runs)) {
    expect(run.error).toMatch(/2 of 2 status updates never showed on the workspace watch within 1000ms/)
    expect(run.metrics).toEqual({ reported: 2, seen: 0, missing: 2, report_errors: 0 })
  }
  // The statuses were stored all the same: only the publication was lost.
  expectCleanedUp(target)
}, 90_000)
