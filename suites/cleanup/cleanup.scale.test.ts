// Removes everything scale tests left behind (scaletest-* workspaces, then scaletest users) and
// nothing else, with the prebuild reconciler paused meanwhile. Rebuilds `coder exp scaletest cleanup`.

import {
  expect,
  isScaletestUser,
  isScaletestWorkspace,
  listScaletestUsers,
  listScaletestWorkspaces,
  resolveTemplate,
  scaleTest,
} from '@scaletest/vitest'
import { loadCleanupConfig } from './config.ts'
import { pausePrebuildReconciler } from './runner/prebuild-reconciler.ts'
import { userCleanupRunner, workspaceCleanupRunner } from './runner/run.ts'

scaleTest(
  'deletes scaletest workspaces and users, and nothing else',
  async ({ coder, mocks, harness, barrier, logger }) => {
    const config = loadCleanupConfig(process.env)
    const me = await coder.me()
    const template = config.template
      ? (await resolveTemplate(coder, config.template, me.organization_ids)).name
      : undefined

    // What is not the tests' own, before: it must all be there after.
    const othersBefore = await everythingElse()

    const reconciler = await pausePrebuildReconciler(mocks.coderUrl!, mocks.coderSessionToken!)
    if (reconciler.paused) logger.info('prebuild reconciler paused')
    try {
      const workspaces = await listScaletestWorkspaces(coder, template ? { template } : {})
      // Never the caller, whatever its name (the simulator's first user may be scaletest-named).
      const users = (await listScaletestUsers(coder)).filter((u) => u.id !== me.id)
      logger.info(
        `cleanup: ${workspaces.length} scaletest workspace(s), then ${users.length} scaletest user(s)`,
      )
      const workspacesDone = barrier(workspaces.length, { name: 'workspaces deleted' })
      for (const workspace of workspaces)
        harness.add(
          'cleanup-workspace',
          workspace.name,
          workspaceCleanupRunner(coder, workspace, workspacesDone),
        )
      for (const user of users)
        harness.add('cleanup-user', user.username, userCleanupRunner(coder, user, workspacesDone))
      const results = await harness.run()
      expect(results).toHaveNoFailures()
    } finally {
      await reconciler.resume()
    }

    // Nothing scaletest is left (of the template, if one was named); everything else survived.
    expect(await listScaletestWorkspaces(coder, template ? { template } : {})).toEqual([])
    if (!template) expect((await listScaletestUsers(coder)).filter((u) => u.id !== me.id)).toEqual([])
    expect(await everythingElse()).toEqual(othersBefore)

    async function everythingElse() {
      const users = (await coder.listUsers({ limit: 0 })).users.filter((u) => !isScaletestUser(u))
      const workspaces = (await coder.listWorkspaces({ limit: 0 })).workspaces.filter(
        (w) => !isScaletestWorkspace(w),
      )
      return {
        users: users.map((u) => u.id).sort(),
        workspaces: workspaces.map((w) => w.id).sort(),
      }
    }
  },
)
