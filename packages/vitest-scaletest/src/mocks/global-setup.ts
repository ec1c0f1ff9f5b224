// Vitest globalSetup: starts the mocks once per run and provides their endpoints to the workers
// as inject('scaletestMocks'). Configure with `globalSetup: [globalSetupPath]` from
// '@scaletest/vitest/node'. The environment decides how:
//   SCALETEST_MOCKS            container | process | inprocess | external; unset: containers when
//                              Docker can run scaletest/mocks:local, else child processes
//   SCALETEST_REQUIRE_DOCKER=1 a missing engine (or image) fails the run (CI)
//   SCALETEST_MOCKS_START      which mocks to start, e.g. llm,smtp (default llm,smtp,coderd)
//   SCALETEST_LLM_URL, SCALETEST_SMTP_API_URL, SCALETEST_SMTP_HOST + SCALETEST_SMTP_PORT,
//   CODER_URL + CODER_SESSION_TOKEN   use these instead of starting that mock
//   SCALETEST_MOCKS_IMAGE      image for container mode (default scaletest/mocks:local)
//   SCALETEST_RUN_ID           label value org.scaletest.run-id of this run's containers
import type { TestProject } from 'vitest/node'

import { startMocks } from './start-mocks.ts'

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mocks = await startMocks()
  project.provide('scaletestMocks', mocks.endpoints)
  return () => mocks.close()
}
