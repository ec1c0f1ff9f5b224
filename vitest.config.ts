import { defineConfig } from 'vitest/config'

import { sourceConditions } from './vitest.sources.ts'
import projects from './vitest.workspace.ts'

// The projects and the scaletest plugin (which adds the ScaletestReporter to the run) are in
// vitest.workspace.ts.
export default defineConfig({ ...sourceConditions, test: { projects } })
