// The workspace-updates stream a Coder Connect client dials. Coder serves it as the tailnet RPC
// `WorkspaceUpdates(WorkspaceUpdatesRequest{workspace_owner_id})` (tailnet/proto/tailnet.proto,
// coderd/workspaceupdates.go) over dRPC on yamux inside the `/api/v2/tailnet` websocket. The
// simulator serves the same updates on that path as JSON text messages; README.md lists exactly
// where the carriage differs.

import type { WebSocket } from 'ws'

import { isOwner } from '../auth.ts'
import { buildStatus } from '../convert.ts'
import { ApiError, badRequest, forbidden } from '../http/api-error.ts'
import type { WorkspaceRecord } from '../records.ts'
import type { Ctx } from '../sim.ts'
import type { SimState } from '../state.ts'
import { isUuid } from '../state.ts'

/** `tailnet.proto` Workspace.Status, by codersdk status (`convertStatus` in coderd/workspaceupdates.go). */
const STATUS: Record<string, string> = {
  pending: 'PENDING',
  starting: 'STARTING',
  running: 'RUNNING',
  stopping: 'STOPPING',
  stopped: 'STOPPED',
  failed: 'FAILED',
  canceling: 'CANCELING',
  canceled: 'CANCELED',
  deleting: 'DELETING',
  deleted: 'DELETED',
}

export interface UpdateWorkspace {
  id: string
  name: string
  status: string
}

export interface UpdateAgent {
  id: string
  name: string
  workspace_id: string
}

/** `tailnet.proto` WorkspaceUpdate, UUIDs as strings and the status as its enum name. */
export interface WorkspaceUpdate {
  upserted_workspaces: UpdateWorkspace[]
  upserted_agents: UpdateAgent[]
  deleted_workspaces: UpdateWorkspace[]
  deleted_agents: UpdateAgent[]
}

/** What a client last saw of one workspace. */
interface Seen {
  workspace: UpdateWorkspace
  agents: Map<string, UpdateAgent>
}

interface Watcher {
  ownerId: string
  seen: Map<string, Seen>
  send(update: WorkspaceUpdate): void
}

export class WorkspaceUpdatesHub {
  #state: SimState
  #byOwner = new Map<string, Set<Watcher>>()
  /** Test hooks: hold every diff back this long, or drop diffs (a lossy pubsub). */
  delayMs = 0
  drop = false

  constructor(state: SimState) {
    this.#state = state
  }

  /** Called with a workspace id on every change a watcher could see (core.ts). */
  changed(workspaceId: string): void {
    const workspace = this.#state.workspaces.get(workspaceId)
    const watchers = workspace && this.#byOwner.get(workspace.ownerId)
    if (!workspace || !watchers) return
    for (const watcher of watchers) {
      const update = this.#diff(watcher, workspace)
      if (!update || this.drop) continue
      if (this.delayMs > 0) setTimeout(() => watcher.send(update), this.delayMs).unref()
      else watcher.send(update)
    }
  }

  /** `GET /api/v2/tailnet?sim=workspace-updates&owner_id=<uuid>`: snapshot first, then diffs. */
  async watch(ctx: Ctx & { accept: () => Promise<WebSocket> }): Promise<void> {
    if (ctx.url.searchParams.get('sim') !== 'workspace-updates')
      throw badRequest(
        'This simulator serves only the workspace-updates stream on /tailnet, as JSON (no dRPC, DERP or coordination).',
        [{ field: 'sim', detail: 'set sim=workspace-updates' }],
      )
    const ownerId = ctx.url.searchParams.get('owner_id') ?? ''
    if (!isUuid(ownerId))
      throw badRequest('Invalid workspace owner ID.', [{ field: 'owner_id', detail: 'expected a UUID' }])
    // coderd's tailnet RPC only lets a client follow the workspaces of the user it authenticated as.
    if (ownerId.toLowerCase() !== ctx.user.id && !isOwner(ctx.user)) throw forbidden()
    if (!this.#state.users.has(ownerId.toLowerCase()))
      throw new ApiError(404, 'Resource not found or you do not have access to this resource')
    const socket = await ctx.accept()
    const watcher: Watcher = {
      ownerId: ownerId.toLowerCase(),
      seen: new Map(),
      send: (update) => socket.send(JSON.stringify(update)),
    }
    const snapshot = emptyUpdate()
    for (const workspace of this.#state.workspaces.values()) {
      if (workspace.ownerId !== watcher.ownerId || workspace.deleted) continue
      const update = this.#diff(watcher, workspace)
      if (update) merge(snapshot, update)
    }
    watcher.send(snapshot)
    let set = this.#byOwner.get(watcher.ownerId)
    if (!set) {
      set = new Set()
      this.#byOwner.set(watcher.ownerId, set)
    }
    set.add(watcher)
    socket.on('message', () => socket.close(1002, 'this is a one-way stream'))
    socket.on('close', () => {
      set.delete(watcher)
      if (set.size === 0 && this.#byOwner.get(watcher.ownerId) === set) this.#byOwner.delete(watcher.ownerId)
    })
  }

  /** What changed for this watcher since it last heard of the workspace, or undefined for nothing. */
  #diff(watcher: Watcher, workspace: WorkspaceRecord): WorkspaceUpdate | undefined {
    const update = emptyUpdate()
    const before = watcher.seen.get(workspace.id)
    if (workspace.deleted) {
      if (!before) return undefined
      watcher.seen.delete(workspace.id)
      update.deleted_workspaces.push({ ...before.workspace, status: 'DELETED' })
      update.deleted_agents.push(...before.agents.values())
      return update
    }
    const build = this.#state.latestBuild(workspace)
    const status = STATUS[buildStatus(build.transition, this.#state.jobOf(build).status)] ?? 'UNKNOWN'
    const now: UpdateWorkspace = { id: workspace.id, name: workspace.name, status }
    const agents = new Map(agentsOf(this.#state, workspace).map((a) => [a.id, a]))
    if (!before || before.workspace.status !== now.status || before.workspace.name !== now.name)
      update.upserted_workspaces.push(now)
    for (const [id, agent] of agents) if (!before?.agents.has(id)) update.upserted_agents.push(agent)
    for (const [id, agent] of before?.agents ?? []) if (!agents.has(id)) update.deleted_agents.push(agent)
    watcher.seen.set(workspace.id, { workspace: now, agents })
    const empty =
      update.upserted_workspaces.length + update.upserted_agents.length + update.deleted_agents.length === 0
    return empty ? undefined : update
  }
}

/**
 * The agents of the latest build: a succeeded start build has its resources, hence the `main`
 * agent with the id convert.ts gives it; any other build has none.
 */
function agentsOf(state: SimState, workspace: WorkspaceRecord): UpdateAgent[] {
  const build = state.latestBuild(workspace)
  if (build.transition !== 'start' || state.jobOf(build).status !== 'succeeded') return []
  return [{ id: `${build.id.slice(0, 24)}000000000002`, name: 'main', workspace_id: workspace.id }]
}

function emptyUpdate(): WorkspaceUpdate {
  return { upserted_workspaces: [], upserted_agents: [], deleted_workspaces: [], deleted_agents: [] }
}

function merge(into: WorkspaceUpdate, from: WorkspaceUpdate): void {
  into.upserted_workspaces.push(...from.upserted_workspaces)
  into.upserted_agents.push(...from.upserted_agents)
  into.deleted_workspaces.push(...from.deleted_workspaces)
  into.deleted_agents.push(...from.deleted_agents)
}
