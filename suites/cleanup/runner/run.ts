// Cleanup runners (Coder: cli/exp_scaletest.go scaletestCleanup and workspacebuild's cleanup):
// one per scaletest workspace (cancel an active build and wait, delete, wait), then one per
// scaletest user, which waits until every workspace runner is done (a user with workspaces cannot
// be deleted: 417). Only what isScaletestWorkspace / isScaletestUser accept is ever listed.

import {
  type Barrier,
  type CoderClient,
  deleteWorkspaceAndWait,
  type Runner,
  type User,
  type Workspace,
} from '@scaletest/vitest'

export function workspaceCleanupRunner(owner: CoderClient, workspace: Workspace, done: Barrier) {
  let deleted = false
  return {
    async run({ signal, log }) {
      using arrival = done.join(signal)
      deleted = await deleteWorkspaceAndWait(owner, workspace.id, { signal, log })
      if (!deleted) log(`workspace ${workspace.name} was already gone`)
      arrival.arrive()
    },
    metrics: () => ({ workspace: workspace.name, owner: workspace.owner_name, deleted }),
  } satisfies Runner
}

export function userCleanupRunner(owner: CoderClient, user: User, workspacesDone: Barrier) {
  return {
    async run({ signal, log }) {
      await workspacesDone.wait({ signal })
      await owner.deleteUser(user.id, signal)
      log(`deleted user ${user.username}`)
    },
    metrics: () => ({ username: user.username }),
  } satisfies Runner
}
