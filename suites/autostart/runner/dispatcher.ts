// One watch-all-workspacebuilds stream for the whole run, fanned out by workspace name into a
// queue per runner (Coder: scaletest/autostart/dispatcher.go), so no runner opens a watch of its
// own: per-workspace watches cost an authorization each and skewed Coder's results.

import { AsyncQueue, type CoderStream, type WorkspaceBuildUpdate } from '@scaletest/vitest'

export class WorkspaceDispatcher {
  #queues = new Map<string, AsyncQueue<WorkspaceBuildUpdate>>()
  #pump: Promise<void>

  constructor(stream: CoderStream<WorkspaceBuildUpdate>) {
    this.#pump = (async () => {
      try {
        for await (const update of stream) this.#queues.get(update.workspace_name)?.push(update)
        for (const queue of this.#queues.values()) queue.fail(new Error('the watch-all stream ended'))
      } catch (error) {
        for (const queue of this.#queues.values()) queue.fail(error)
      }
    })()
  }

  /** The queue of one workspace's build updates; register before creating the workspace. */
  register(workspaceName: string): WorkspaceUpdates {
    const queue = new AsyncQueue<WorkspaceBuildUpdate>()
    this.#queues.set(workspaceName, queue)
    return new WorkspaceUpdates(queue)
  }

  /** Resolves once the stream has ended (after `close()` on it). */
  settled(): Promise<void> {
    return this.#pump
  }
}

export class WorkspaceUpdates {
  #queue: AsyncQueue<WorkspaceBuildUpdate>

  constructor(queue: AsyncQueue<WorkspaceBuildUpdate>) {
    this.#queue = queue
  }

  /** Reads updates until `done` holds for one; every update read is handed to `done` first. */
  async waitFor(
    done: (update: WorkspaceBuildUpdate) => boolean,
    signal: AbortSignal,
  ): Promise<WorkspaceBuildUpdate> {
    signal.throwIfAborted()
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
    )
    aborted.catch(() => {})
    for (;;) {
      const next = await Promise.race([this.#queue.next(), aborted])
      if (next.done) throw new Error('the watch-all stream ended')
      if (done(next.value)) return next.value
    }
  }
}
