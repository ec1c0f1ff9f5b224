// The cleanup scenario in its own Vitest process against a simulator seeded here with scaletest
// and non-scaletest users and workspaces: only the scaletest ones go.

import { afterEach, expect, it } from 'vitest'

import { CoderClient, createAgentTemplate } from '@scaletest/vitest'
import { startSimulatorTarget } from '../test/support/simulator-target.ts'
import { spawnScenario } from '../test/support/spawn-scenario.ts'

const teardown: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

it('deletes scaletest workspaces and users and leaves everything else', async () => {
  const target = await startSimulatorTarget<{ harness: { total_runs: number; total_fail: number } }>(
    { jobDurationMs: 20 },
    teardown,
  )
  const owner = new CoderClient({ url: target.coderd.url, sessionToken: target.sessionToken })
  teardown.push(() => owner.close())
  const org = await owner.defaultOrganization()
  const template = await createAgentTemplate(owner, org.id, 'cleanup-e2e')

  const seed = async (username: string, email: string, workspaceName?: string) => {
    const password = 'seed-password-1'
    const user = await owner.createUser({
      username,
      email,
      password,
      login_type: 'password',
      organization_ids: [org.id],
    })
    if (!workspaceName) return { user, workspace: undefined }
    const client = await owner.loginAs({ email, password })
    const workspace = await client.createWorkspace({ template_id: template.id, name: workspaceName })
    await client.waitForBuild(workspace.latest_build.id, { intervalMs: 20 })
    await client.close()
    return { user, workspace }
  }
  const scaletest = [await seed('scaletest-abcdefgh-0', 'abcdefgh-0@scaletest.local', 'scaletest-abcdefgh-0')]
  // Near misses: the user search matches them, the scaletest rule does not.
  await seed('bob-scaletest-x', 'bob@example.com')
  const survivor = await seed('alice', 'alice@example.com', 'my-scaletest-box')
  // The owner's own scaletest-named workspace goes; its owner stays.
  const ownerWorkspace = await owner.createWorkspace({ template_id: template.id, name: 'scaletest-owner-ws' })
  await owner.waitForBuild(ownerWorkspace.latest_build.id, { intervalMs: 20 })

  const run = spawnScenario('suites/cleanup/cleanup.scale.test.ts', {
    CODER_URL: target.coderd.url,
    CODER_SESSION_TOKEN: target.sessionToken,
    SCALETEST_MOCKS_START: 'coderd',
    SCALETEST_OUTPUT_DIR: target.outputDir,
  })
  teardown.push(run.kill)
  const { code, output } = await run.exited
  expect(output).not.toContain(target.sessionToken)
  expect(code, output).toBe(0)
  expect(output).toContain('cleanup: 2 scaletest workspace(s), then 1 scaletest user(s)')

  const users = (await owner.listUsers({})).users.map((u) => u.username).sort()
  expect(users).toEqual(['alice', 'bob-scaletest-x', 'owner'])
  const workspaces = (await owner.listWorkspaces({})).workspaces.map((w) => w.name)
  expect(workspaces).toEqual(['my-scaletest-box'])
  expect((await owner.workspace(survivor.workspace!.id)).latest_build.status).toBe('running')
  for (const { user } of scaletest) await expect(owner.user(user.id)).rejects.toMatchObject({ status: 404 })
  const results = await target.results()
  expect(results.harness.total_runs).toBe(3)
  expect(results.harness.total_fail).toBe(0)
}, 120_000)
