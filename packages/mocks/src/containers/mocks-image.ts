// Where the mocks image and its container ports are defined, shared by the three modules.

/** Image built by `npm run build:image` (packages/mocks/Dockerfile). */
export const DEFAULT_MOCKS_IMAGE = 'scaletest/mocks:local'

/** The image to run: SCALETEST_MOCKS_IMAGE when set, else the locally built one. */
export function mocksImage(env: NodeJS.ProcessEnv = process.env): string {
  return env.SCALETEST_MOCKS_IMAGE || DEFAULT_MOCKS_IMAGE
}

/** Ports the mocks listen on inside their containers (mapped to free host ports). */
export const LLM_MOCK_PORT = 8080
export const SMTP_MOCK_PORT = 2525
export const SMTP_MOCK_API_PORT = 8025
export const CODERD_SIMULATOR_PORT = 3000

/** Label carrying which mock a container runs (llm, smtp, coderd). */
export const LABEL_MOCK = 'org.scaletest.mock'
/** Label carrying the id of the test run that owns a container or network; cleanup selects on it. */
export const LABEL_RUN_ID = 'org.scaletest.run-id'

export class MockContainerConfigError extends Error {
  readonly code = 'SCALETEST_MOCK_CONTAINER_CONFIG'
  constructor(field: string, value: unknown, expected: string) {
    super(`invalid ${field}: ${JSON.stringify(value)}; expected ${expected}`)
    this.name = 'MockContainerConfigError'
  }
}
