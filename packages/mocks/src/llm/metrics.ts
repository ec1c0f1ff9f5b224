import { Counter, Gauge, Histogram, Registry } from 'prom-client'

export type Endpoint =
  | 'chat_completions'
  | 'responses'
  | 'messages'
  | 'models'
  | 'health'
  | 'metrics'
  | 'admin'
  | 'unknown'

/** The mock's Prometheus metrics, on a Registry of its own so several mocks can share a process. */
export class LlmMockMetrics {
  readonly registry = new Registry()
  readonly #requests = new Counter({
    name: 'llm_mock_requests_total',
    help: 'Requests answered, by endpoint and HTTP status.',
    labelNames: ['endpoint', 'status'] as const,
    registers: [this.registry],
  })
  readonly #activeStreams = new Gauge({
    name: 'llm_mock_active_streams',
    help: 'Streamed answers in progress.',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  })
  readonly #bytes = new Counter({
    name: 'llm_mock_response_bytes_total',
    help: 'Response body bytes written.',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  })
  readonly #ttfb = new Histogram({
    name: 'llm_mock_time_to_first_byte_seconds',
    help: 'From request received to the first response byte written, artificial latency included.',
    labelNames: ['endpoint'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  })
  readonly #faults = new Counter({
    name: 'llm_mock_faults_total',
    help: 'Faults injected, by endpoint and mode.',
    labelNames: ['endpoint', 'fault'] as const,
    registers: [this.registry],
  })
  readonly #toolCalls = new Counter({
    name: 'llm_mock_tool_calls_total',
    help: 'Answers that were tool calls.',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  })
  // Bound children, cached: label hashing per event would cost more than the event itself.
  readonly #children = new Map<string, { inc(n?: number): void; dec?(): void; observe?(v: number): void }>()

  #child<T>(key: string, make: () => T): T {
    let child = this.#children.get(key) as T | undefined
    if (!child) {
      child = make()
      this.#children.set(key, child as never)
    }
    return child
  }

  request(endpoint: Endpoint, status: number): void {
    this.#child(`r ${endpoint} ${status}`, () => this.#requests.labels(endpoint, String(status))).inc()
  }

  streamStarted(endpoint: Endpoint): void {
    this.#child(`s ${endpoint}`, () => this.#activeStreams.labels(endpoint)).inc()
  }

  streamEnded(endpoint: Endpoint): void {
    this.#child(`s ${endpoint}`, () => this.#activeStreams.labels(endpoint)).dec()
  }

  bytes(endpoint: Endpoint, n: number): void {
    this.#child(`b ${endpoint}`, () => this.#bytes.labels(endpoint)).inc(n)
  }

  firstByte(endpoint: Endpoint, seconds: number): void {
    this.#child(`t ${endpoint}`, () => this.#ttfb.labels(endpoint)).observe(seconds)
  }

  fault(endpoint: Endpoint, mode: string): void {
    this.#faults.labels(endpoint, mode).inc()
  }

  toolCall(endpoint: Endpoint): void {
    this.#child(`c ${endpoint}`, () => this.#toolCalls.labels(endpoint)).inc()
  }
}
