// suites/create-workspaces on an external-agent template against a simulator whose build jobs take
// seconds. While each build is still running this test asks for the agent's credentials itself and
// gets Coder's 404 (the agent rows do not exist yet); the suite meanwhile waits for the job and asks
// only after it succeeded, so every run passes. The simulator's request log shows the order.

import { setTimeout as sleep } from 'node:timers/promises'

import { afterEach, expect, it } from 'vitest'

import { CoderClient, createAgentTemplate } from '@scaletest/vitest'
import { startSimulatorTarget } from '../support/simulator-target.ts'

const teardown: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

interface Results {
  harness: { total_runs: number; total_fail: number }
}

const CREDENTIALS = '/api/v2/workspaces/:workspace/external-agent/:agent/credentials'
const WORKSPACES = 3

it('create-workspaces waits for the build job before asking for external-agent credentials', async () => {
  const target = await startSimulatorTarget<Results>(
    { jobDurationMs: 3_000, importJobDurationMs: 50, requestLogSize: 10_000 },
    teardown,
  )
  const { state } = target.coderd
  const owner = new CoderClient({ url: target.coderd.url, sessionToken: target.sessionToken })
  teardown.push(() => owner.close())
  const org = await owner.defaultOrganization()
  const template = await createAgentTemplate(owner, org.id, 'ext-early', { external: true })

  const run = target.runScenario('suites/create-workspaces/create-workspaces.scale.test.ts', {
    SCALETEST_CONCURRENCY: '0',
    // A suite that stopped waiting would wait for agents that never start: fail the run, not the test.
    SCALETEST_JOB_TIMEOUT: '40s',
    CODER_SCALETEST_COUNT: String(WORKSPACES),
    CODER_SCALETEST_TEMPLATE: template.name,
  })

  // Ask for each new workspace's credentials while its build job has not completed yet.
  const askedEarly = new Map<string, { status: number; jobStatus: string }>()
  let exited = false
  const finished = run.exited.finally(() => (exited = true))
  while (!exited && askedEarly.size < WORKSPACES) {
    for (const workspace of state.workspaces.values()) {
      if (askedEarly.has(workspace.id) || !workspace.name.startsWith('scaletest-')) continue
      const job = state.jobs.get(state.latestBuild(workspace).jobId)!
      if (job.completedAt !== undefined) continue
      const response = await fetch(
        `${target.coderd.url}/api/v2/workspaces/${workspace.id}/external-agent/main/credentials`,
        { headers: { 'Coder-Session-Token': target.sessionToken } },
      )
      await response.body?.cancel()
      askedEarly.set(workspace.id, { status: response.status, jobStatus: job.status })
    }
    await sleep(25)
  }
  const { code, output } = await finished
  expect(output).not.toContain(target.sessionToken)
  expect(code, output).toBe(0)
  const results = await target.results()
  expect(results.harness).toMatchObject({ total_runs: WORKSPACES, total_fail: 0 })

  // Each of the suite's workspaces was asked early (by the test) and answered 404 then.
  expect(askedEarly.size).toBe(WORKSPACES)
  for (const early of askedEarly.values()) {
    expect(early.status).toBe(404)
    expect(['pending', 'running']).toContain(early.jobStatus)
  }

  const completedAt = (workspaceId: string) => {
    const start = [...state.builds.values()].find(
      (b) => b.workspaceId === workspaceId && b.transition === 'start',
    )!
    return Date.parse(state.jobs.get(start.jobId)!.completedAt!)
  }
  const asked = target.coderd.requestLog().filter((r) => r.pattern === CREDENTIALS)
  const bySuite = asked.filter((r) => r.username !== 'owner')
  const byTest = asked.filter((r) => r.username === 'owner')
  expect(byTest.map((r) => r.status)).toEqual(Array(WORKSPACES).fill(404))
  // The suite: one request per workspace, none before its job completed, every one answered.
  expect(bySuite).toHaveLength(WORKSPACES)
  const suiteWorkspaces = new Set<string>()
  for (const request of bySuite) {
    const workspaceId = request.path.split('/')[4]!
    suiteWorkspaces.add(workspaceId)
    expect(request.username).toMatch(/^scaletest-/)
    expect(request.status).toBe(200)
    expect(request.at).toBeGreaterThanOrEqual(completedAt(workspaceId))
  }
  expect(suiteWorkspaces).toEqual(new Set(askedEarly.keys()))
  // …and the test's early request for the same workspace came first.
  for (const early of byTest) expect(early.at).toBeLessThan(completedAt(early.path.split('/')[4]!))

  await owner.deleteTemplate(template.id)
}, 120_000)
