// `coder exp scaletest cleanup`: delete every scaletest workspace (cancel, wait, delete, wait),
// then every scaletest user. Only names and emails isScaletest* accepts are touched.

import type { CoderClient } from '../coder/client.ts'
import type { User } from '../coder/schemas.ts'
import { isScaletestUser } from './naming.ts'
import { listScaletestWorkspaces } from './targets.ts'
import { deleteWorkspaceAndWait } from './workspace-build.ts'

export interface CleanupReport {
  workspacesDeleted: string[]
  usersDeleted: string[]
  failures: string[]
}

export async function listScaletestUsers(owner: CoderClient, signal?: AbortSignal): Promise<User[]> {
  const out: User[] = []
  for (let offset = 0; ; offset += 100) {
    const page = await owner.listUsers({ q: 'scaletest-', limit: 100, offset }, signal)
    out.push(...page.users.filter(isScaletestUser))
    if (page.users.length < 100) return out
  }
}

async function inBatches<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items]
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item)
    }),
  )
}

export async function cleanupScaletest(
  owner: CoderClient,
  options: {
    template?: string
    concurrency?: number
    signal?: AbortSignal
    log?: (message: string) => void
  } = {},
): Promise<CleanupReport> {
  const { signal } = options
  const log = options.log ?? (() => {})
  const report: CleanupReport = { workspacesDeleted: [], usersDeleted: [], failures: [] }
  const workspaces = await listScaletestWorkspaces(owner, {
    ...(options.template && { template: options.template }),
    ...(signal && { signal }),
  })
  log(`cleanup: ${workspaces.length} scaletest workspace(s)`)
  await inBatches(workspaces, options.concurrency ?? 10, async (workspace) => {
    try {
      if (await deleteWorkspaceAndWait(owner, workspace.id, { ...(signal && { signal }), log }))
        report.workspacesDeleted.push(workspace.name)
    } catch (error) {
      report.failures.push(`workspace ${workspace.name}: ${(error as Error).message}`)
    }
  })
  // Never the caller, whatever its name.
  const me = await owner.me(signal)
  const users = (await listScaletestUsers(owner, signal)).filter((u) => u.id !== me.id)
  log(`cleanup: ${users.length} scaletest user(s)`)
  await inBatches(users, options.concurrency ?? 10, async (user) => {
    try {
      await owner.deleteUser(user.id, signal)
      report.usersDeleted.push(user.username)
    } catch (error) {
      report.failures.push(`user ${user.username}: ${(error as Error).message}`)
    }
  })
  return report
}
