// The dynamic-parameters scenario as a CI pipeline runs it (its own Vitest process, against a
// simulator started here and given as CODER_URL), so a test can tag every daemon or slow the
// evaluations down and read what the run reported.

import { afterEach, expect, it } from 'vitest'

import { type SimulatorTarget, startSimulatorTarget } from '../support/simulator-target.ts'

const teardown: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

interface Results {
  harness: { total_runs: number; total_fail: number }
  thresholds: { ok: boolean }
}

it('on a cluster whose daemons are all tagged an untagged version stays pending; the tag knob fixes it', async () => {
  const target = await startSimulatorTarget<Results>(
    { provisionerDaemons: [{ tags: { pool: 'scaletest' } }, { tags: { pool: 'scaletest' } }] },
    teardown,
  )
  const untagged = await runScenario(target, {}).exited
  expect(untagged.code).not.toBe(0)
  expect(untagged.output).toMatch(/no provisioners matched template version .* \(tags: none\)/)
  expect(untagged.output).toContain('CODER_SCALETEST_DYNAMIC_PARAMETERS_PROVISIONER_TAG')
  // The version it created is still waiting for a daemon that will never come.
  const imports = [...target.coderd.state.jobs.values()].filter((j) => j.type === 'template_version_import')
  expect(imports).toHaveLength(1)
  await new Promise((r) => setTimeout(r, 500))
  expect(imports[0]!.status).toBe('pending')

  const tagged = await runScenario(target, {
    CODER_SCALETEST_DYNAMIC_PARAMETERS_PROVISIONER_TAG: 'pool=scaletest',
  }).exited
  expect(tagged.output).toContain('harness: 10 runs, 10 passed, 0 failed')
  expect(tagged.code).toBe(0)
  const imported = [...target.coderd.state.jobs.values()].filter(
    (j) => j.type === 'template_version_import' && j.status === 'succeeded',
  )
  expect(imported.map((j) => j.tags)).toEqual(
    Array(4).fill({ pool: 'scaletest', scope: 'organization', owner: '' }),
  )
}, 120_000)

it('slow evaluations fail the run by the initial-response latency threshold', async () => {
  // One evaluator at 150 ms each: 10 sessions (20 evaluations) queue behind each other.
  const target = await startSimulatorTarget<Results>(
    { dynamicParameters: { evaluationCostMs: 150, evaluators: 1 } },
    teardown,
  )
  const { code, output } = await runScenario(target, { SCALETEST_DYNAMIC_PARAMETERS_INITIAL_P99: '1s' })
    .exited

  expect(code).not.toBe(0)
  expect(output).toMatch(
    /threshold failed: .*coderd_scaletest_dynamic_parameters_latency_initial_response_seconds p\(99\)<1 \(measured ([1-9]|\d\d)\./,
  )
  const results = await target.results()
  expect(results.harness.total_fail).toBe(0) // every session answered: only latency failed
  expect(results.thresholds.ok).toBe(false)
}, 120_000)

function runScenario(target: SimulatorTarget<Results>, env: NodeJS.ProcessEnv) {
  const run = target.runScenario('suites/dynamic-parameters/dynamic-parameters.scale.test.ts', {
    SCALETEST_DYNAMIC_PARAMETERS_VERSION_POLL_INTERVAL: '100ms',
    CODER_SCALETEST_DYNAMIC_PARAMETERS_CONCURRENT_EVALUATIONS: '10',
    ...env,
  })
  return run
}
