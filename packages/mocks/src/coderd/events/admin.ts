// Test control for the event streams (outside Coder's API): delay or drop what they send, so a
// scenario's fault test can show its latency threshold fail.

import { z } from 'zod'

import { readJson } from '../http/body.ts'
import { sendJson } from '../http/respond.ts'
import type { SimRoute } from '../sim.ts'
import type { AppStatusPublications } from './app-status.ts'
import type { BuildUpdateHub } from './build-updates.ts'
import type { WorkspaceUpdatesHub } from './workspace-updates.ts'

const ms = z.number().int().min(0).max(600_000)

export const eventFaultsSchema = z.strictObject({
  /** Hold every watch-all-workspacebuilds message back this long. */
  watch_all_delay_ms: ms.optional(),
  /** Hold every workspace-updates diff back this long. */
  workspace_updates_delay_ms: ms.optional(),
  /** Drop every workspace-updates diff (the snapshot on dial still goes out). */
  workspace_updates_drop: z.boolean().optional(),
  /** Hold every app-status publication to the workspace watchers back this long. */
  app_status_delay_ms: ms.optional(),
  /** Drop every app-status publication (the status is stored; watchers are not woken). */
  app_status_drop: z.boolean().optional(),
})

export type EventFaults = z.infer<typeof eventFaultsSchema>

export class EventFaultControl {
  #builds: BuildUpdateHub
  #updates: WorkspaceUpdatesHub
  #appStatus: AppStatusPublications

  constructor(builds: BuildUpdateHub, updates: WorkspaceUpdatesHub, appStatus: AppStatusPublications) {
    this.#builds = builds
    this.#updates = updates
    this.#appStatus = appStatus
  }

  set(faults: EventFaults): void {
    this.#builds.delayMs = faults.watch_all_delay_ms ?? 0
    this.#updates.delayMs = faults.workspace_updates_delay_ms ?? 0
    this.#updates.drop = faults.workspace_updates_drop ?? false
    this.#appStatus.delayMs = faults.app_status_delay_ms ?? 0
    this.#appStatus.drop = faults.app_status_drop ?? false
  }

  get(): Required<EventFaults> {
    return {
      watch_all_delay_ms: this.#builds.delayMs,
      workspace_updates_delay_ms: this.#updates.delayMs,
      workspace_updates_drop: this.#updates.drop,
      app_status_delay_ms: this.#appStatus.delayMs,
      app_status_drop: this.#appStatus.drop,
    }
  }

  routes(): SimRoute[] {
    return [
      {
        method: 'GET',
        pattern: '/__admin/event-faults',
        public: true,
        handler: (ctx) => sendJson(ctx.res, 200, this.get()),
      },
      {
        method: 'POST',
        pattern: '/__admin/event-faults',
        public: true,
        handler: async (ctx) => {
          this.set(await readJson(ctx.req, eventFaultsSchema))
          sendJson(ctx.res, 200, this.get())
        },
      },
    ]
  }
}
