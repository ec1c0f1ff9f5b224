// The mocks this test run's globalSetup started (containers in CI, SCALETEST_MOCKS=process
// locally), handed to a scenario run in its own process as a deployment's endpoints: that process
// starts no mocks of its own, and several scenario runs share the same ones.
import { type MockEndpoints, resolveMocks } from '@scaletest/vitest'

export interface RunMocks {
  endpoints: MockEndpoints
  /** CODER_URL, CODER_SESSION_TOKEN, SCALETEST_LLM_URL and no SMTP mock, for spawnScenario. */
  env: NodeJS.ProcessEnv
}

export function runMocks(): RunMocks {
  const endpoints = resolveMocks()
  const { coderUrl, coderSessionToken, llmUrl } = endpoints
  if (!coderUrl || !coderSessionToken || !llmUrl)
    throw new Error(`this test needs the run's coderd and LLM mocks (provider ${endpoints.provider})`)
  return {
    endpoints,
    env: {
      CODER_URL: coderUrl,
      CODER_SESSION_TOKEN: coderSessionToken,
      SCALETEST_LLM_URL: llmUrl,
      SCALETEST_MOCKS_START: 'llm,coderd',
    },
  }
}
