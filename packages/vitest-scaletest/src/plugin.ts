/// <reference types="vitest/config" />
// The Vitest plugin: `plugins: [scaletest()]` in a vitest.config.ts wires what a scale scenario
// needs. In a config with `test.projects`, put it in the project that holds the scenarios.
import type { Vite, VitestPluginContext } from 'vitest/node'

import { globalSetupPath } from './mocks/index.ts'
import { siblingModule } from './module-path.ts'
import { ScaletestReporter, type ScaletestReporterOptions } from './reporter/index.ts'

export interface ScaletestPluginOptions {
  /** Start the mocks (and the coderd simulator unless CODER_URL is set) once per run and provide
   * their endpoints to the scenarios. Default true. */
  mocks?: boolean
  /** Use the scenario runner, so Ctrl-C and SIGTERM let running scenarios clean up. Default true. */
  runner?: boolean
  /** Options of the ScaletestReporter added to the run's reporters, or false for none. */
  reporter?: ScaletestReporterOptions | false
}

export function scaletest(options: ScaletestPluginOptions = {}): Vite.Plugin {
  const { mocks = true, runner = true, reporter = {} } = options
  return {
    name: 'scaletest',
    config: () => ({
      test: {
        ...(mocks && { globalSetup: [globalSetupPath] }),
        ...(runner && { runner: siblingModule(import.meta.url, 'runner') }),
      },
    }),
    // Reporters belong to the whole run, not to a project: this hook may change the run's config
    // from a project's plugin, and runs before Vitest creates the reporters.
    configureVitest({ vitest }: VitestPluginContext) {
      if (reporter === false) return
      const reporters = vitest.config.reporters as unknown[]
      if (reporters.some((entry) => entry instanceof ScaletestReporter)) return
      reporters.push(new ScaletestReporter(reporter))
    },
  }
}
