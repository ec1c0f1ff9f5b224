import { Registry } from 'prom-client'

export type Endpoint =
  | 'chat_completions'
  | 'responses'
  | 'messages'
  | 'models'
  | 'health'
  | 'metrics'
  | 'admin'
  | 'unknown'

type Labels = Record<string, string | number>
type Sample = { metricName?: string; labels: Labels; value: number }

const TTFB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * The mock's Prometheus metrics, on a Registry of its own so several mocks can share a process.
 * Values are plain numbers updated on the hot path and turned into samples only when scraped:
 * prom-client's own counters hash their labels on every update, which cost more per answer than
 * the rest of the bookkeeping together.
 */
export class LlmMockMetrics {
  readonly registry = new Registry()
  readonly #requests = new Map<Endpoint, Map<number, number>>()
  readonly #activeStreams = new Map<Endpoint, number>()
  readonly #bytes = new Map<Endpoint, number>()
  readonly #toolCalls = new Map<Endpoint, number>()
  readonly #faults = new Map<string, number>()
  readonly #ttfb = new Map<Endpoint, { buckets: number[]; sum: number; count: number }>()

  constructor() {
    this.#register(
      'llm_mock_requests_total',
      'Requests answered, by endpoint and HTTP status.',
      'counter',
      () =>
        [...this.#requests].flatMap(([endpoint, byStatus]) =>
          [...byStatus].map(([status, value]) => ({ labels: { endpoint, status }, value })),
        ),
    )
    this.#register('llm_mock_active_streams', 'Paced streamed answers in progress.', 'gauge', () =>
      perEndpoint(this.#activeStreams),
    )
    this.#register('llm_mock_response_bytes_total', 'Response body bytes written.', 'counter', () =>
      perEndpoint(this.#bytes),
    )
    this.#register('llm_mock_tool_calls_total', 'Answers that were tool calls.', 'counter', () =>
      perEndpoint(this.#toolCalls),
    )
    this.#register('llm_mock_faults_total', 'Faults injected, by endpoint and mode.', 'counter', () =>
      [...this.#faults].map(([key, value]) => {
        const [endpoint, fault] = key.split(' ')
        return { labels: { endpoint: endpoint!, fault: fault! }, value }
      }),
    )
    this.#register(
      'llm_mock_time_to_first_byte_seconds',
      'From request received to the first response byte written, artificial latency included.',
      'histogram',
      () =>
        [...this.#ttfb].flatMap(([endpoint, h]) =>
          histogramSamples('llm_mock_time_to_first_byte_seconds', endpoint, h),
        ),
    )
  }

  #register(name: string, help: string, type: string, values: () => Sample[]): void {
    const get = () => ({ name, help, type, aggregator: 'sum', values: values() })
    this.registry.registerMetric({ name, get } as never)
  }

  request(endpoint: Endpoint, status: number): void {
    let byStatus = this.#requests.get(endpoint)
    if (!byStatus) {
      byStatus = new Map()
      this.#requests.set(endpoint, byStatus)
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
  }

  streamStarted(endpoint: Endpoint): void {
    this.#activeStreams.set(endpoint, (this.#activeStreams.get(endpoint) ?? 0) + 1)
  }

  streamEnded(endpoint: Endpoint): void {
    this.#activeStreams.set(endpoint, (this.#activeStreams.get(endpoint) ?? 0) - 1)
  }

  bytes(endpoint: Endpoint, n: number): void {
    this.#bytes.set(endpoint, (this.#bytes.get(endpoint) ?? 0) + n)
  }

  firstByte(endpoint: Endpoint, seconds: number): void {
    let h = this.#ttfb.get(endpoint)
    if (!h) {
      h = { buckets: TTFB_BUCKETS.map(() => 0), sum: 0, count: 0 }
      this.#ttfb.set(endpoint, h)
    }
    for (let i = 0; i < TTFB_BUCKETS.length; i++)
      if (seconds <= TTFB_BUCKETS[i]!) {
        h.buckets[i]!++
        break
      }
    h.sum += seconds
    h.count++
  }

  fault(endpoint: Endpoint, mode: string): void {
    const key = `${endpoint} ${mode}`
    this.#faults.set(key, (this.#faults.get(key) ?? 0) + 1)
  }

  toolCall(endpoint: Endpoint): void {
    this.#toolCalls.set(endpoint, (this.#toolCalls.get(endpoint) ?? 0) + 1)
  }
}

function perEndpoint(values: Map<Endpoint, number>): Sample[] {
  return [...values].map(([endpoint, value]) => ({ labels: { endpoint }, value }))
}

function histogramSamples(
  name: string,
  endpoint: string,
  h: { buckets: number[]; sum: number; count: number },
) {
  let cumulative = 0
  const samples: Sample[] = TTFB_BUCKETS.map((le, i) => {
    cumulative += h.buckets[i]!
    return { metricName: `${name}_bucket`, labels: { le, endpoint }, value: cumulative }
  })
  samples.push(
    { metricName: `${name}_bucket`, labels: { le: '+Inf', endpoint }, value: h.count },
    { metricName: `${name}_sum`, labels: { endpoint }, value: h.sum },
    { metricName: `${name}_count`, labels: { endpoint }, value: h.count },
  )
  return samples
}
