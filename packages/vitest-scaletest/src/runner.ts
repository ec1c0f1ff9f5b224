// The Vitest test runner for scale scenarios (`test.runner` in a Vitest config; Vitest wants the
// class as the default export). A terminal's Ctrl-C reaches every process of the group, forked
// workers included, and a worker killed by it loses the cleanup and results of the scenario it was
// running. Here workers ignore SIGINT and leave it to the main process, which cancels the run
// (reporter/interrupt-handler.ts); Vitest then aborts each running test's signal.
import { isMainThread } from 'node:worker_threads'

import type { RunnerTaskResultPack, RunnerTask as Task } from 'vitest'
import { TestRunner } from 'vitest'

import { readLive } from './live.ts'

/** How often a running test's live data (metrics so far, harness progress) goes to the reporter. */
const LIVE_INTERVAL_MS = 1000

export default class ScaletestRunner extends TestRunner {
  readonly #live = new Map<string, NodeJS.Timeout>()

  constructor(...args: ConstructorParameters<typeof TestRunner>) {
    super(...args)
    if (isMainThread && process.send && process.listenerCount('SIGINT') === 0) process.on('SIGINT', ignore)
  }

  override async onBeforeRunTask(test: Task): Promise<void> {
    await super.onBeforeRunTask(test)
    if (test.type !== 'test') return
    const timer = setInterval(() => this.#sendLive(test), LIVE_INTERVAL_MS)
    timer.unref()
    this.#live.set(test.id, timer)
  }

  override onAfterRunTask(test: Task): void {
    clearInterval(this.#live.get(test.id))
    this.#live.delete(test.id)
    if (test.meta.scaletest?.live !== undefined) delete test.meta.scaletest.live
    super.onAfterRunTask(test)
  }

  /** Live data travels as a task update, the channel Vitest already has to the main process. */
  #sendLive(test: Task): void {
    const live = readLive(test.id)
    if (live === undefined) return
    test.meta.scaletest = { ...test.meta.scaletest, live }
    // Vitest sets onTaskUpdate on the runner instance (an RPC to the main process).
    const { onTaskUpdate } = this as {
      onTaskUpdate?: (packs: RunnerTaskResultPack[], events: []) => Promise<void>
    }
    onTaskUpdate?.call(this, [[test.id, test.result, test.meta]], [])?.catch(ignore)
  }
}

function ignore(): void {}
