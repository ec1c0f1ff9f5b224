// Vitest globalSetup: starts the mocks once per run and provides their endpoints to the workers
// as inject('scaletestMocks'). Configure with `globalSetup: [globalSetupPath]` from
// '@scaletest/vitest/node'.
import type { TestProject } from 'vitest/node'

import { startMocks } from './start-mocks.ts'

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mocks = await startMocks()
  project.provide('scaletestMocks', mocks.endpoints)
  return () => mocks.close()
}
