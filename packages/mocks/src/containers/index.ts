export {
  CoderdSimulatorContainer,
  type FirstUser,
  StartedCoderdSimulatorContainer,
} from './coderd-simulator-container.ts'
export { type DockerProbe, type DockerTestGate, dockerTestGate, probeDocker } from './docker-probe.ts'
export { LlmMockContainer, StartedLlmMockContainer } from './llm-mock-container.ts'
export { MockContainer, StartedMockContainer } from './mock-container.ts'
export {
  CODERD_SIMULATOR_PORT,
  DEFAULT_MOCKS_IMAGE,
  LABEL_MOCK,
  LABEL_RUN_ID,
  LLM_MOCK_PORT,
  MockContainerConfigError,
  mocksImage,
  SMTP_MOCK_API_PORT,
  SMTP_MOCK_PORT,
} from './mocks-image.ts'
export { listRunContainers, type RemovedResources, removeRunResources } from './remove-run-resources.ts'
export { startRunNetwork } from './run-network.ts'
export { runtimeClient } from './runtime-client.ts'
export { SMTP_MOCK_ALIAS, SmtpMockContainer, StartedSmtpMockContainer } from './smtp-mock-container.ts'
