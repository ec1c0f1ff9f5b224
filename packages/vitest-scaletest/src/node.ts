// Main-process entry: reporter and global setup, imported from vitest.config.ts.
// The metrics API is here too so scripts and benchmarks can use it without the test runtime.
// The open model's schedule and iterate() (no Vitest runtime needed), e.g. for bench/open-model.bench.ts.
export * from './harness/arrival-rate.ts'
export * from './harness/iterate.ts'
export * from './metrics/index.ts'
export * from './mocks/index.ts'
export * from './reporter/index.ts'

import { siblingModule } from './module-path.ts'

/** Path of the scale-scenario test runner, for `test.runner` in a Vitest config: with it, a
 * cancelled run (Ctrl-C, SIGTERM) interrupts running scenarios so they clean up and report. */
export const scaletestRunnerPath: string = siblingModule(import.meta.url, 'runner')

export { type ScaletestPluginOptions, scaletest } from './plugin.ts'
