// Event streams of the simulated deployment: experiments, watch-all builds, workspace updates.

import type { WebSocket } from 'ws'

import type { JobRecord } from '../records.ts'
import type { Ctx, SimRoute } from '../sim.ts'
import type { SimState } from '../state.ts'
import { EventFaultControl, type EventFaults } from './admin.ts'
import { AppStatusPublications } from './app-status.ts'
import { BuildUpdateHub } from './build-updates.ts'
import { Experiments } from './experiments.ts'
import { WorkspaceUpdatesHub } from './workspace-updates.ts'

export type { EventFaults } from './admin.ts'
export { eventFaultsSchema } from './admin.ts'
export { AVAILABLE_EXPERIMENTS, WORKSPACE_BUILD_UPDATES } from './experiments.ts'

type UpgradeHandler = (ctx: Ctx & { accept: () => Promise<WebSocket> }) => Promise<void>

/** Everything core.ts wires: two hooks on state changes, HTTP routes and websocket routes. */
export class EventStreams {
  readonly experiments: Experiments
  readonly builds: BuildUpdateHub
  readonly updates: WorkspaceUpdatesHub
  readonly appStatus: AppStatusPublications
  readonly faults: EventFaultControl

  constructor(state: SimState, options: { experiments: readonly string[]; faults?: EventFaults }) {
    this.experiments = new Experiments(options.experiments)
    this.builds = new BuildUpdateHub(state)
    this.updates = new WorkspaceUpdatesHub(state)
    this.appStatus = new AppStatusPublications()
    this.faults = new EventFaultControl(this.builds, this.updates, this.appStatus)
    if (options.faults) this.faults.set(options.faults)
  }

  /** A build job was queued or changed status. */
  jobChanged(job: JobRecord): void {
    this.builds.publish(job)
  }

  /** Something a workspace watcher sees changed. */
  workspaceChanged(workspaceId: string): void {
    this.updates.changed(workspaceId)
  }

  close(): void {
    this.appStatus.close()
  }

  routes(): SimRoute[] {
    return [...this.experiments.routes(), ...this.faults.routes()]
  }

  upgradeRoutes(): Array<[string, UpgradeHandler]> {
    return [
      ['/api/experimental/watch-all-workspacebuilds', (ctx) => this.builds.watch(ctx, this.experiments)],
      ['/api/v2/tailnet', (ctx) => this.updates.watch(ctx)],
    ]
  }
}
