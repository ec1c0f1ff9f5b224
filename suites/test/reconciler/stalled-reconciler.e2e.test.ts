// The prebuilds scenario as a CI pipeline runs it (its own Vitest process, against a simulator
// started here and given as CODER_URL), so a test can stall the reconciler and read the results.

import { afterEach, expect, it } from 'vitest'

import { type SimulatorTarget, startSimulatorTarget } from '../support/simulator-target.ts'

const teardown: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

interface Results {
  thresholds: { ok: boolean; results: { selector: string; ok: boolean }[] }
  harness: { total_runs: number; total_fail: number; runs: Record<string, { error: string | null }> }
}

it('a stalled reconciler fails every template by the workspace timeout and the errors threshold', async () => {
  // A reconciler that never ticks within the run: no prebuild is ever created.
  const target = await startSimulatorTarget<Results>(
    { prebuilds: { reconcileIntervalMs: 3_600_000 } },
    teardown,
  )
  const run = runScenario(target, {
    CODER_SCALETEST_PREBUILDS_NUM_TEMPLATES: '2',
    CODER_SCALETEST_PREBUILDS_WORKSPACE_TIMEOUT: '2s',
  })
  const { code, output } = await run.exited

  expect(code).not.toBe(0)
  expect(output).not.toContain(target.sessionToken)
  expect(output).toMatch(/threshold failed: .*coderd_scaletest_prebuild_errors_total sum==0 \(measured 2\)/)
  const results = await target.results()
  expect(results.harness.total_runs).toBe(2)
  expect(results.harness.total_fail).toBe(2)
  for (const r of Object.values(results.harness.runs))
    expect(r.error).toMatch(/wait for the prebuilds of scaletest-prebuilds-template-\d.*2000/)
  // Cleanup deleted both templates, and the reconciler setting is back to what it was.
  expect(target.coderd.state.templates.size).toBe(0)
  const settings = await fetch(`${target.coderd.url}/api/v2/prebuilds/settings`, {
    headers: { 'Coder-Session-Token': target.sessionToken },
  })
  expect(await settings.json()).toEqual({ reconciliation_paused: false })
}, 90_000)

it('builds and tears down 2 templates × 2 presets × 2 prebuilds through the provisioner', async () => {
  const target = await startSimulatorTarget<Results>({ prebuilds: { reconcileIntervalMs: 100 } }, teardown)
  const run = runScenario(target, {
    CODER_SCALETEST_PREBUILDS_NUM_TEMPLATES: '2',
    CODER_SCALETEST_PREBUILDS_NUM_PRESETS: '2',
    CODER_SCALETEST_PREBUILDS_NUM_PRESET_PREBUILDS: '2',
  })
  const { code, output } = await run.exited

  expect(output).toMatch(
    /coderd_scaletest_prebuild_jobs_completed\{template_name="scaletest-prebuilds-template-1"\} 4/,
  )
  expect(output).toMatch(
    /coderd_scaletest_prebuild_deletion_jobs_completed\{template_name="scaletest-prebuilds-template-0"\} 4/,
  )
  expect(code).toBe(0)
  // 8 prebuilds, each built once and deleted once, all by the prebuilds system user.
  const builds = [...target.coderd.state.builds.values()]
  const prebuildBuilds = builds.filter((b) => b.initiatorId === 'c42fdf75-3097-471c-8c33-fb52454d81c0')
  expect(prebuildBuilds.filter((b) => b.transition === 'start')).toHaveLength(8)
  expect(prebuildBuilds.filter((b) => b.transition === 'delete')).toHaveLength(8)
  expect(target.coderd.state.templates.size).toBe(0)
}, 90_000)

function runScenario(target: SimulatorTarget<Results>, env: NodeJS.ProcessEnv) {
  const run = target.runScenario('suites/prebuilds/prebuilds.scale.test.ts', {
    SCALETEST_PREBUILDS_VERSION_POLL_INTERVAL: '100ms',
    ...env,
  })
  return run
}
