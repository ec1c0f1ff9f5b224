// The Vitest test runner for scale scenarios (`test.runner` in a Vitest config; Vitest wants the
// class as the default export). A terminal's Ctrl-C reaches every process of the group, forked
// workers included, and a worker killed by it loses the cleanup and results of the scenario it was
// running. Here workers ignore SIGINT and leave it to the main process, which cancels the run
// (reporter/interrupt-handler.ts); Vitest then aborts each running test's signal.
import { isMainThread } from 'node:worker_threads'

import { TestRunner } from 'vitest'

export default class ScaletestRunner extends TestRunner {
  constructor(...args: ConstructorParameters<typeof TestRunner>) {
    super(...args)
    if (isMainThread && process.send && process.listenerCount('SIGINT') === 0) process.on('SIGINT', ignore)
  }
}

function ignore(): void {}
