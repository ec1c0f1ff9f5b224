import type { StartedTestContainer } from 'testcontainers'

import { MockContainer, StartedMockContainer } from './mock-container.ts'
import { MockContainerConfigError, mocksImage, SMTP_MOCK_API_PORT, SMTP_MOCK_PORT } from './mocks-image.ts'

/** Alias the SMTP mock gets on a shared network unless told otherwise. */
export const SMTP_MOCK_ALIAS = 'smtp-mock'

/** The SMTP mock (`scaletest-mocks smtp`) in a container: SMTP listener plus its HTTP API. */
export class SmtpMockContainer extends MockContainer {
  #purgeAtCount: number | undefined

  constructor(image = mocksImage()) {
    super('smtp', image, SMTP_MOCK_API_PORT)
    this.withExposedPorts(SMTP_MOCK_PORT, SMTP_MOCK_API_PORT)
  }

  /** Stored messages at which the mock purges its mailbox (bounds its memory). */
  withPurgeAtCount(count: number): this {
    if (!Number.isInteger(count) || count < 1)
      throw new MockContainerConfigError('purgeAtCount', count, 'an integer >= 1')
    this.#purgeAtCount = count
    return this
  }

  protected listenArgs(): string[] {
    const args = [
      '--host',
      '0.0.0.0',
      '--port',
      String(SMTP_MOCK_PORT),
      '--api-port',
      String(SMTP_MOCK_API_PORT),
    ]
    if (this.#purgeAtCount !== undefined) args.push('--purge-at-count', String(this.#purgeAtCount))
    return args
  }

  /** On a network without an alias of its own, the mock is reachable as `smtp-mock`. */
  override async start(): Promise<StartedSmtpMockContainer> {
    if (this.networkMode && this.networkAliases.length === 0) this.withNetworkAliases(SMTP_MOCK_ALIAS)
    return new StartedSmtpMockContainer(await super.start(), [...this.networkAliases])
  }
}

export class StartedSmtpMockContainer extends StartedMockContainer {
  readonly #aliases: string[]

  constructor(started: StartedTestContainer, aliases: string[] = []) {
    super(started)
    this.#aliases = aliases
  }

  /** Host the test process sends SMTP to. */
  getSmtpHost(): string {
    return this.getMappedHost()
  }

  getSmtpPort(): number {
    return this.getMappedPort(SMTP_MOCK_PORT)
  }

  /** HTTP API base URL (GET /messages?email=, POST /purge, GET /healthz, GET /metrics). */
  getApiUrl(): string {
    return this.httpUrl(SMTP_MOCK_API_PORT)
  }

  /** `HOST:PORT` other containers on its network send SMTP to: its first alias, else its IP. */
  getNetworkSmtpAddress(): string {
    const network = this.getNetworkNames()[0]
    if (!network) throw new Error('the SMTP mock container is not attached to a network; use withNetwork()')
    return `${this.#aliases[0] ?? this.getIpAddress(network)}:${SMTP_MOCK_PORT}`
  }
}
