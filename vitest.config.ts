import { defineConfig } from 'vitest/config'

import { ScaletestReporter } from '@scaletest/vitest/node'
import projects from './vitest.workspace.ts'

export default defineConfig({
  test: {
    projects,
    // The scaletest reporter only speaks for tests that leave task.meta.scaletest (the `metrics` and
    // `harness` fixtures do): ordinary unit-test runs get no summary and no files from it.
    // Thresholds here gate every scale run; scenarios can add their own with metrics.thresholds().
    reporters: ['default', new ScaletestReporter()],
  },
})
