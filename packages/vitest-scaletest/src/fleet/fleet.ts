// A fleet a suite builds for itself when there is none to target (the simulator, a fresh
// deployment): an agent template, one scaletest user per workspace, each workspace built and its
// agents connected. `close()` removes all of it, workspaces first.

import type { CoderClient } from '../coder/client.ts'
import type { Template } from '../coder/schemas.ts'
import type { Workspace } from '../coder/workspace-schemas.ts'
import { randomTag, scaletestWorkspaceName } from './naming.ts'
import { createAgentTemplate } from './template.ts'
import { clientFor, createScaletestUser, type ScaletestUser } from './users.ts'
import { buildWorkspace, deleteWorkspaceAndWait } from './workspace-build.ts'

export interface FleetMember {
  user: ScaletestUser
  /** Acting as the user, on its own connections. */
  client: CoderClient
  workspace: Workspace
}

export interface Fleet extends AsyncDisposable {
  template: Template
  members: FleetMember[]
  close(): Promise<void>
}

export interface FleetOptions {
  count: number
  organizationId: string
  /** Use this template instead of creating an agent template (which close() then deletes). */
  template?: Template
  /** How many members are built at once. Default 10. */
  concurrency?: number
  signal?: AbortSignal
  log?: (message: string) => void
}

export async function buildFleet(owner: CoderClient, options: FleetOptions): Promise<Fleet> {
  const { signal } = options
  const log = options.log ?? (() => {})
  const tag = randomTag()
  const ownTemplate = options.template === undefined
  const template =
    options.template ??
    (await createAgentTemplate(
      owner,
      options.organizationId,
      `scaletest-fleet-${tag}`,
      signal ? { signal } : {},
    ))
  const members: FleetMember[] = []
  const created: { client: CoderClient; workspaceId?: string; user: ScaletestUser }[] = []
  const close = async () => {
    for (const entry of created) {
      if (entry.workspaceId) await deleteWorkspaceAndWait(owner, entry.workspaceId).catch(() => {})
      await owner.deleteUser(entry.user.user.id).catch(() => {})
      await entry.client.close()
    }
    created.length = 0
    if (ownTemplate) await owner.deleteTemplate(template.id).catch(() => {})
  }
  try {
    const ids = Array.from({ length: options.count }, (_, i) => String(i))
    const work = async (id: string) => {
      const user = await createScaletestUser(owner, {
        organizationId: options.organizationId,
        id,
        tag,
        ...(signal && { signal }),
      })
      const client = await clientFor(owner, user, { dispatcher: 'isolated', ...(signal && { signal }) })
      const entry: (typeof created)[number] = { client, user }
      created.push(entry)
      const workspace = await buildWorkspace(client, {
        templateId: template.id,
        name: scaletestWorkspaceName(tag, id),
        onCreated: (w) => {
          entry.workspaceId = w.id
        },
        ...(signal && { signal }),
      })
      members.push({ user, client, workspace })
    }
    const queue = [...ids]
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency ?? 10, queue.length) }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await work(id)
      }),
    )
    log(`fleet: ${members.length} workspace(s) on template ${template.name}, agents connected`)
  } catch (error) {
    await close()
    throw error
  }
  members.sort((a, b) => a.workspace.name.localeCompare(b.workspace.name, 'en', { numeric: true }))
  return { template, members, close, [Symbol.asyncDispose]: close }
}
