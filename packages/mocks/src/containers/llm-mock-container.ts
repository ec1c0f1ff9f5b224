import type { StartedTestContainer } from 'testcontainers'

import { MockContainer, StartedMockContainer } from './mock-container.ts'
import { LLM_MOCK_PORT, MockContainerConfigError, mocksImage } from './mocks-image.ts'

function nonNegativeInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new MockContainerConfigError(field, value, 'an integer >= 0')
  return value
}

/** The LLM mock (`scaletest-mocks llm`) in a container: OpenAI and Anthropic APIs on one port. */
export class LlmMockContainer extends MockContainer {
  readonly #flags = new Map<string, string>()

  constructor(image = mocksImage()) {
    super('llm', image, LLM_MOCK_PORT)
    this.withExposedPorts(LLM_MOCK_PORT)
  }

  /** Delay before the first byte of every answer. */
  withArtificialLatency(ms: number): this {
    this.#flags.set('--artificial-latency', `${nonNegativeInteger('artificialLatencyMs', ms)}ms`)
    return this
  }

  /** Streams are paced evenly over a duration drawn from [minMs, maxMs]. */
  withStreamDuration(minMs: number, maxMs = minMs): this {
    nonNegativeInteger('minStreamDurationMs', minMs)
    if (nonNegativeInteger('maxStreamDurationMs', maxMs) < minMs)
      throw new MockContainerConfigError('maxStreamDurationMs', maxMs, `>= minStreamDurationMs (${minMs})`)
    this.#flags.set('--min-stream-duration', `${minMs}ms`).set('--max-stream-duration', `${maxMs}ms`)
    return this
  }

  /** Bytes of answer text. */
  withResponsePayloadSize(bytes: number): this {
    this.#flags.set('--response-payload-size', String(nonNegativeInteger('responsePayloadSize', bytes)))
    return this
  }

  /** Tool calls per user turn when the request offers a tool. */
  withToolCallsPerTurn(count: number): this {
    this.#flags.set('--tool-calls-per-turn', String(nonNegativeInteger('toolCallsPerTurn', count)))
    return this
  }

  protected listenArgs(): string[] {
    return ['--address', `0.0.0.0:${LLM_MOCK_PORT}`, ...[...this.#flags].flat()]
  }

  override async start(): Promise<StartedLlmMockContainer> {
    return new StartedLlmMockContainer(await super.start())
  }
}

export class StartedLlmMockContainer extends StartedMockContainer {
  constructor(started: StartedTestContainer) {
    super(started)
  }

  /** Base URL without a path, e.g. http://127.0.0.1:32768 (Anthropic SDK `baseURL`). */
  getUrl(): string {
    return this.httpUrl(LLM_MOCK_PORT)
  }

  /** The OpenAI SDK `baseURL`: `${getUrl()}/v1`. */
  getOpenAiBaseUrl(): string {
    return `${this.getUrl()}/v1`
  }
}
