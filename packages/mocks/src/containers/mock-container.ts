import { AbstractStartedContainer, GenericContainer, Wait } from 'testcontainers'

import { LABEL_MOCK, MockContainerConfigError } from './mocks-image.ts'
import { runtimeClient } from './runtime-client.ts'

const STARTUP_TIMEOUT_MS = 60_000
// The HTTP wait retries every read timeout; /healthz answers in a millisecond once the mock is up.
const HEALTH_POLL_MS = 200
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1'])

/**
 * What the three mock containers share: the image, the `scaletest-mocks <command>` entrypoint,
 * a wait on GET /healthz, and published ports bound to the loopback interface when the engine is
 * local (mocks are never exposed to the network unless asked).
 */
export abstract class MockContainer extends GenericContainer {
  readonly #command: string
  readonly #extraArgs: string[] = []
  #publishOnAllInterfaces = false

  constructor(command: string, image: string, healthPort: number) {
    super(image)
    this.#command = command
    // abortOnContainerExit: a mock that exits (bad flags) fails the start at once, with its logs.
    this.withWaitStrategy(
      Wait.forHttp('/healthz', healthPort, { abortOnContainerExit: true })
        .forStatusCode(200)
        .withReadTimeout(HEALTH_POLL_MS),
    )
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .withLabels({ [LABEL_MOCK]: command })
  }

  /** Extra CLI flags, appended after the ones the module sets (see `scaletest-mocks <command> --help`). */
  withArgs(...args: string[]): this {
    for (const arg of args) {
      if (typeof arg !== 'string') throw new MockContainerConfigError('args', arg, 'strings')
    }
    this.#extraArgs.push(...args)
    return this
  }

  /** Publish the mapped ports on every host interface instead of 127.0.0.1 only. */
  withPublishOnAllInterfaces(): this {
    this.#publishOnAllInterfaces = true
    return this
  }

  /** The flags that place the mock on its container ports (0.0.0.0 inside the container). */
  protected abstract listenArgs(): string[]

  protected override async beforeContainerCreated(): Promise<void> {
    this.withCommand([this.#command, ...this.listenArgs(), ...this.#extraArgs])
    const client = await runtimeClient()
    if (this.#publishOnAllInterfaces || !LOCAL_HOSTS.has(client.info.containerRuntime.host)) return
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
      for (const binding of bindings) binding.HostIp = '127.0.0.1'
    }
  }
}

/** Base of the started classes: URLs built with `new URL`, loopback instead of `localhost`. */
export abstract class StartedMockContainer extends AbstractStartedContainer {
  /** The host the test process reaches the mapped ports on. */
  getMappedHost(): string {
    const host = this.getHost()
    return host === 'localhost' ? '127.0.0.1' : host
  }

  protected httpUrl(containerPort: number): string {
    const url = new URL('http://placeholder')
    url.hostname = this.getMappedHost()
    url.port = String(this.getMappedPort(containerPort))
    return url.origin
  }
}
