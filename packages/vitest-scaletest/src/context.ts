// Data that crosses from the main process to workers (provide/inject) and from tests to the
// reporter (task.meta). Only serialisable values travel here.

/** Where the mocks and the Coder target of this run live, as the test process reaches them. */
export interface MockEndpoints {
  /** How the mocks were started, or 'external' when their URLs came from the environment. */
  provider: 'container' | 'process' | 'inprocess' | 'external'
  /** LLM mock base URL without a path, e.g. http://127.0.0.1:18080 (OpenAI base URL: `${llmUrl}/v1`). */
  llmUrl?: string
  /** The LLM mock as the coderd simulator reaches it, when that differs (containers: the run network alias). */
  llmUrlFromCoderd?: string
  /** SMTP mock listener as the test process reaches it. */
  smtpHost?: string
  smtpPort?: number
  /** SMTP mock HTTP API, e.g. http://127.0.0.1:33299 (GET /messages?email=). */
  smtpApiUrl?: string
  /** The Coder API under test: the simulator, or CODER_URL. */
  coderUrl?: string
  /** Session token of the simulator's first user (owner), or CODER_SESSION_TOKEN. Never log it. */
  coderSessionToken?: string
}

/** What a test leaves in `task.meta.scaletest` for the reporter. */
export interface ScaletestTaskMeta {
  /** Serialised metrics snapshot of the test (see metrics/). */
  metrics?: unknown
  /** Harness results of the test, in Coder's JSON shape (see harness/). */
  harness?: unknown[]
  /** Thresholds the scenario declared, merged with the configured ones by the reporter. */
  thresholds?: Record<string, string[]>
  /** Barrier.stats() of each barrier the `barrier` fixture made: arrivals and wait times. */
  barriers?: unknown[]
  /** While the test runs: what its fixtures report live (see live.ts); removed when it ends. */
  live?: Record<string, unknown>
  /** The shard this test ran as, when its scenario was split over several (see shard/). */
  shard?: { index: number; count: number; runId: string }
}

declare module 'vitest' {
  interface ProvidedContext {
    scaletestMocks: MockEndpoints
  }
  interface TaskMeta {
    scaletest?: ScaletestTaskMeta
  }
}
