import type { StartedTestContainer } from 'testcontainers'

import { MockContainer, StartedMockContainer } from './mock-container.ts'
import { CODERD_SIMULATOR_PORT, MockContainerConfigError, mocksImage } from './mocks-image.ts'
import type { StartedSmtpMockContainer } from './smtp-mock-container.ts'

export interface FirstUser {
  email: string
  username: string
  password: string
}

const USERNAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/

/** The coderd simulator (`scaletest-mocks coderd`) in a container. */
export class CoderdSimulatorContainer extends MockContainer {
  #firstUser: FirstUser | undefined
  #smarthost: string | undefined

  constructor(image = mocksImage()) {
    super('coderd', image, CODERD_SIMULATOR_PORT)
    this.withExposedPorts(CODERD_SIMULATOR_PORT)
  }

  /** Creates the first user (owner) at start. The password travels in the environment, not argv. */
  withFirstUser(user: FirstUser): this {
    if (!/^[^\s@]+@[^\s@]+$/.test(user.email))
      throw new MockContainerConfigError('firstUser.email', user.email, 'an email address')
    if (!USERNAME.test(user.username))
      throw new MockContainerConfigError(
        'firstUser.username',
        user.username,
        'a Coder username (alphanumerics and -)',
      )
    if (user.password.length < 8)
      throw new MockContainerConfigError('firstUser.password', '[redacted]', 'at least 8 characters')
    this.#firstUser = { ...user }
    return this
  }

  /** Where the simulator delivers notification emails, as `HOST:PORT` reachable from the container. */
  withEmailSmarthost(address: string): this {
    if (!/^[^\s:]+:\d{1,5}$/.test(address))
      throw new MockContainerConfigError('emailSmarthost', address, 'HOST:PORT')
    this.#smarthost = address
    return this
  }

  /**
   * AI Bridge upstream: an LLM mock reachable from the container at `llmUrl` (no `/v1`); sets
   * CODER_AIBRIDGE_OPENAI_BASE_URL (`llmUrl/v1`) and CODER_AIBRIDGE_ANTHROPIC_BASE_URL (`llmUrl`).
   */
  withAiBridgeUpstream(llmUrl: string): this {
    if (!/^https?:\/\/\S+$/.test(llmUrl))
      throw new MockContainerConfigError('aibridgeUpstream', llmUrl, 'an http(s) URL')
    const base = llmUrl.replace(/\/+$/, '')
    return this.withEnvironment({
      CODER_AIBRIDGE_OPENAI_BASE_URL: `${base}/v1`,
      CODER_AIBRIDGE_ANTHROPIC_BASE_URL: base,
    })
  }

  /** Delivers email to an SMTP mock container on the same network, by its network alias. */
  withSmtpMock(smtp: StartedSmtpMockContainer): this {
    return this.withEmailSmarthost(smtp.getNetworkSmtpAddress())
  }

  protected listenArgs(): string[] {
    const args = ['--address', `0.0.0.0:${CODERD_SIMULATOR_PORT}`]
    if (this.#smarthost) args.push('--email-smarthost', this.#smarthost)
    if (this.#firstUser) {
      args.push(
        '--first-user-email',
        this.#firstUser.email,
        '--first-user-username',
        this.#firstUser.username,
      )
    }
    return args
  }

  override async start(): Promise<StartedCoderdSimulatorContainer> {
    if (this.#firstUser) this.withEnvironment({ CODER_FIRST_USER_PASSWORD: this.#firstUser.password })
    return new StartedCoderdSimulatorContainer(await super.start(), this.#firstUser)
  }
}

export class StartedCoderdSimulatorContainer extends StartedMockContainer {
  readonly #firstUser: FirstUser | undefined

  constructor(started: StartedTestContainer, firstUser?: FirstUser) {
    super(started)
    this.#firstUser = firstUser
  }

  /** The Coder API base URL (`CODER_URL`), e.g. http://127.0.0.1:32770. */
  getUrl(): string {
    return this.httpUrl(CODERD_SIMULATOR_PORT)
  }

  /** Email and username of the first user, when the container created one. */
  getFirstUser(): Omit<FirstUser, 'password'> | undefined {
    return this.#firstUser && { email: this.#firstUser.email, username: this.#firstUser.username }
  }

  /** Logs in as the first user and returns a new session token (`CODER_SESSION_TOKEN`). */
  async login(signal?: AbortSignal): Promise<string> {
    if (!this.#firstUser) throw new Error('login needs withFirstUser() on the CoderdSimulatorContainer')
    const response = await fetch(`${this.getUrl()}/api/v2/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: this.#firstUser.email, password: this.#firstUser.password }),
      signal: signal ?? AbortSignal.timeout(10_000),
    })
    const body = (await response.json().catch(() => ({}))) as { session_token?: unknown; message?: unknown }
    if (response.status !== 201 || typeof body.session_token !== 'string')
      throw new Error(
        `login as ${this.#firstUser.email} failed: ${response.status} ${String(body.message ?? '')}`,
      )
    return body.session_token
  }
}
