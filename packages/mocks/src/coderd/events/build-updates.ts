// The experimental watch-all stream (coderd/workspacebuilds.go watchAllWorkspaceBuilds, pubsub
// channel `workspace_updates:all` in coderd/wspubsub): one websocket that carries a bare
// `codersdk.WorkspaceBuildUpdate` JSON object for every job-state change of every build, so a
// scale test follows N workspaces on one socket instead of N authenticated watches.

import type { WebSocket } from 'ws'

import { isOwner } from '../auth.ts'
import { forbidden } from '../http/api-error.ts'
import type { JobRecord } from '../records.ts'
import type { Ctx } from '../sim.ts'
import type { SimState } from '../state.ts'
import type { Experiments } from './experiments.ts'
import { WORKSPACE_BUILD_UPDATES } from './experiments.ts'

/** `codersdk.WorkspaceBuildUpdate`. */
export interface WorkspaceBuildUpdate {
  workspace_id: string
  workspace_name: string
  build_id: string
  transition: 'start' | 'stop' | 'delete'
  job_status: JobRecord['status']
  build_number: number
}

type Listener = (update: WorkspaceBuildUpdate) => void

/** Fans each workspace build's job changes out to every watch-all socket. */
export class BuildUpdateHub {
  #state: SimState
  #listeners = new Set<Listener>()
  /** Test hook: holds every update back this long (a slow pubsub) before it is sent. */
  delayMs = 0

  constructor(state: SimState) {
    this.#state = state
  }

  get size(): number {
    return this.#listeners.size
  }

  /** Called on every build job's enqueue and status change (core.ts). */
  publish(job: JobRecord): void {
    if (this.#listeners.size === 0 || !job.workspaceBuildId) return
    const build = this.#state.builds.get(job.workspaceBuildId)
    const workspace = build && this.#state.workspaces.get(build.workspaceId)
    if (!build || !workspace) return
    const update: WorkspaceBuildUpdate = {
      workspace_id: workspace.id,
      workspace_name: workspace.name,
      build_id: build.id,
      transition: build.transition,
      job_status: job.status,
      build_number: build.buildNumber,
    }
    const deliver = () => {
      for (const listener of [...this.#listeners]) listener(update)
    }
    if (this.delayMs > 0) setTimeout(deliver, this.delayMs).unref()
    else deliver()
  }

  /** The upgrade handler: experiment gate, owner-only, then one text message per update. */
  async watch(ctx: Ctx & { accept: () => Promise<WebSocket> }, experiments: Experiments): Promise<void> {
    experiments.require(WORKSPACE_BUILD_UPDATES)
    // Every workspace of every user: Coder authorizes reading all workspaces (site owners).
    if (!isOwner(ctx.user)) throw forbidden()
    const socket = await ctx.accept()
    const listener: Listener = (update) => socket.send(JSON.stringify(update))
    this.#listeners.add(listener)
    socket.on('message', () => socket.close(1002, 'this is a one-way stream'))
    socket.on('close', () => this.#listeners.delete(listener))
  }
}
