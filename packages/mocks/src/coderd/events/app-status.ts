// The workspace event an agent's app-status report publishes (coderd: publishWorkspaceUpdate with
// wspubsub.WorkspaceEventKindAgentAppStatusUpdate), so every workspace watcher (SSE `watch`,
// `watch-ws`) fetches the workspace again and sees its new `latest_app_status`.

export class AppStatusPublications {
  /** Test hooks: hold every publication back this long (a slow pubsub), or drop them (a lossy one). */
  delayMs = 0
  drop = false
  #timers = new Set<NodeJS.Timeout>()

  /** `emit` wakes the workspace's watchers; they read the workspace as it is when it runs. */
  publish(workspaceId: string, emit: (workspaceId: string) => void): void {
    if (this.drop) return
    if (this.delayMs === 0) {
      emit(workspaceId)
      return
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      emit(workspaceId)
    }, this.delayMs)
    timer.unref()
    this.#timers.add(timer)
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }
}
