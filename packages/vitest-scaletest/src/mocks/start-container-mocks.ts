import type { MockSetRequest, StartedMockSet } from './mock-set.ts'
import { settleStarts } from './mock-set.ts'
import type { MockName } from './mocks-env.ts'

/**
 * Container mode: the three mocks from the mocks image on one bridge network, each labelled with
 * the run id. The simulator mails the SMTP mock by its network alias. Cleanup removes by label,
 * so a half-started set is removed as completely as a started one.
 */
const LLM_ALIAS_URL = 'http://llm-mock:8080'

export async function startContainerMocks(request: MockSetRequest): Promise<StartedMockSet> {
  // Ryuk needs an image pull and is not needed: the run reaper removes this run's containers.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true'
  const containers = await import('@scaletest/mocks/containers')
  const { LABEL_RUN_ID, SMTP_MOCK_ALIAS, SMTP_MOCK_PORT } = containers
  const labels = { [LABEL_RUN_ID]: request.runId }
  const wants = (name: MockName) => request.start.includes(name)
  const removeAll = () => containers.removeRunResources(request.runId).then(() => {})

  request.onChild?.({ containers: true })
  try {
    const network = await containers.startRunNetwork(request.runId)
    // Started together: the simulator only needs the alias, which is known before the SMTP mock is up.
    const smarthost = wants('smtp')
      ? `${SMTP_MOCK_ALIAS}:${SMTP_MOCK_PORT}`
      : request.externalSmtp && `${request.externalSmtp.host}:${request.externalSmtp.port}`
    const coderd = new containers.CoderdSimulatorContainer()
      .withNetwork(network)
      .withLabels(labels)
      .withFirstUser(request.firstUser)
    if (smarthost) coderd.withEmailSmarthost(smarthost)
    // AI Bridge forwards to the LLM mock, by its alias on the run network.
    if (wants('llm')) coderd.withAiBridgeUpstream(LLM_ALIAS_URL)
    const [llm, smtp, simulator] = await settleStarts([
      wants('llm')
        ? new containers.LlmMockContainer()
            .withNetwork(network)
            .withNetworkAliases('llm-mock')
            .withLabels(labels)
            .start()
            .then(withNoClose)
        : undefined,
      wants('smtp')
        ? new containers.SmtpMockContainer()
            .withNetwork(network)
            .withNetworkAliases(SMTP_MOCK_ALIAS)
            .withLabels(labels)
            .start()
            .then(withNoClose)
        : undefined,
      wants('coderd') ? coderd.start().then(withNoClose) : undefined,
    ])
    let closing: Promise<void> | undefined
    return {
      llmUrl: llm?.value.getUrl(),
      // The simulator container reaches the LLM mock by its alias on the run network.
      llmUrlFromCoderd: llm && wants('coderd') ? LLM_ALIAS_URL : undefined,
      smtpHost: smtp?.value.getSmtpHost(),
      smtpPort: smtp?.value.getSmtpPort(),
      smtpApiUrl: smtp?.value.getApiUrl(),
      coderUrl: simulator?.value.getUrl(),
      close() {
        closing ??= removeAll()
        return closing
      },
      killNow() {}, // containers are removed by the run reaper once this process is gone
    }
  } catch (error) {
    await removeAll().catch(() => {})
    throw error
  }
}

// settleStarts closes what started when a sibling fails; here removal by label does that instead.
function withNoClose<T>(value: T): { value: T; close(): Promise<void> } {
  return { value, close: async () => {} }
}
