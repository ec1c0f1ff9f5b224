import type { IncomingMessage, ServerResponse } from 'node:http'

import type { Route } from './http/router.ts'
import type { FaultPlan } from './notifications/faults.ts'
import type { InboxHub } from './notifications/inbox-hub.ts'
import type { Notifier } from './notifications/notifier.ts'
import type { Provisioner } from './provisioner.ts'
import type { JobRecord, UserRecord } from './records.ts'
import type { SimState } from './state.ts'

export interface SimTiming {
  /** SSE `ping` and WebSocket ping interval (Coder: 15 s). */
  heartbeatMs: number
}

type Listener = () => void

/** Subscribers keyed by an id (a workspace or a job), so a change wakes only its watchers. */
export class Topics {
  #topics = new Map<string, Set<Listener>>()
  #onEmit: ((id: string) => void) | undefined

  /** `onEmit` hears every emit, subscribed or not (the per-owner workspace-updates stream). */
  constructor(onEmit?: (id: string) => void) {
    this.#onEmit = onEmit
  }

  on(id: string, listener: Listener): () => void {
    let set = this.#topics.get(id)
    if (!set) {
      set = new Set()
      this.#topics.set(id, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.#topics.get(id) === set) this.#topics.delete(id)
    }
  }

  emit(id: string): void {
    const set = this.#topics.get(id)
    if (set) for (const listener of [...set]) listener()
    this.#onEmit?.(id)
  }
}

/** Everything a handler reaches: the store, the provisioner, the notification machinery. */
export interface Sim {
  state: SimState
  provisioner: Provisioner
  notifier: Notifier
  hub: InboxHub
  faults: FaultPlan
  timing: SimTiming
  /** Fires with a workspace id on every change a watcher should see. */
  workspaceTopics: Topics
  /** Fires with a job id on every job status change or new log. */
  jobTopics: Topics
  baseUrl(): string
  enqueueJob(job: JobRecord): void
}

export interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  params: Record<string, string>
  sim: Sim
  /** The authenticated caller; public routes never read it. */
  user: UserRecord
}

export type SimRoute = Route<Ctx>
