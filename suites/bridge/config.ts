// The bridge scenario's knobs, read from the environment variables of Coder's
// `coder exp scaletest bridge` flags (cli/exp_scaletest_bridge.go, scaletest/bridge/config.go).
// Every bad value is reported at once, before any user is created.

import { z } from 'zod'

import { knob, parseKnobs } from '@scaletest/vitest'

export type BridgeMode = 'bridge' | 'direct'
export type BridgeKind = 'completions' | 'responses' | 'messages'

const KIND_NAMES = ['completions', 'responses', 'messages', 'openai', 'anthropic'] as const
const KINDS: Record<(typeof KIND_NAMES)[number], BridgeKind> = {
  completions: 'completions',
  responses: 'responses',
  messages: 'messages',
  // The older CLI's --provider values.
  openai: 'completions',
  anthropic: 'messages',
}

/** Where each kind lives on the LLM mock (direct mode) and under coderd (bridge mode). */
export const KIND_PATHS: Record<BridgeKind, { upstream: string; bridge: string }> = {
  completions: { upstream: '/v1/chat/completions', bridge: '/api/v2/aibridge/openai/v1/chat/completions' },
  responses: { upstream: '/v1/responses', bridge: '/api/v2/aibridge/openai/v1/responses' },
  messages: { upstream: '/v1/messages', bridge: '/api/v2/aibridge/anthropic/v1/messages' },
}

const schema = z.object({
  CODER_SCALETEST_BRIDGE_CONCURRENT_USERS: knob.int(10, 1),
  CODER_SCALETEST_BRIDGE_MODE: knob.choice('direct', ['bridge', 'direct']),
  CODER_SCALETEST_BRIDGE_UPSTREAM_URL: knob.url('', { optional: true }),
  CODER_SCALETEST_BRIDGE_PROVIDER: knob.choice('completions', KIND_NAMES).transform((name) => KINDS[name]),
  CODER_SCALETEST_BRIDGE_REQUEST_COUNT: knob.int(1, 1),
  CODER_SCALETEST_BRIDGE_STREAM: knob.bool(),
  CODER_SCALETEST_BRIDGE_REQUEST_PAYLOAD_SIZE: knob.int(1024, 0),
  CODER_SCALETEST_BRIDGE_NUM_MESSAGES: knob.int(1, 1),
  CODER_SCALETEST_BRIDGE_HTTP_TIMEOUT: knob.duration('30s'),
  CODER_SCALETEST_NO_CLEANUP: knob.bool(),
  // Ours, not Coder's: the open model.
  SCALETEST_BRIDGE_ARRIVAL_RATE: knob.number(0, (n) => n >= 0, 'requests per second, >= 0 (0 = closed loop)'),
  SCALETEST_BRIDGE_DURATION: knob.duration('10s'),
  SCALETEST_BRIDGE_MAX_IN_FLIGHT: knob.int(512, 1),
})

export interface BridgeConfig {
  concurrentUsers: number
  mode: BridgeMode
  kind: BridgeKind
  /** Direct mode: the full URL requests go to. */
  upstreamUrl: string
  requestCount: number
  stream: boolean
  requestPayloadSize: number
  numMessages: number
  httpTimeoutMs: number
  noCleanup: boolean
  /**
   * Open model (ours): requests per second at a fixed arrival rate for `durationMs`, spread over the
   * users, instead of Coder's closed loop of `requestCount` per user. Undefined: the closed loop.
   */
  openModel: { ratePerSecond: number; durationMs: number; maxInFlight: number } | undefined
}

/** @param llmUrl the LLM mock this run started (no path): direct mode's default upstream. */
export function loadBridgeConfig(
  env: Record<string, string | undefined>,
  llmUrl: string | undefined,
): BridgeConfig {
  const upstreamOf = (v: z.infer<typeof schema>) =>
    v.CODER_SCALETEST_BRIDGE_UPSTREAM_URL ||
    (llmUrl ? `${llmUrl}${KIND_PATHS[v.CODER_SCALETEST_BRIDGE_PROVIDER].upstream}` : '')
  const v = parseKnobs(schema, env, 'bridge scale test', (v) =>
    v.CODER_SCALETEST_BRIDGE_MODE === 'direct' && upstreamOf(v) === ''
      ? [
          {
            variable: 'CODER_SCALETEST_BRIDGE_UPSTREAM_URL',
            message: 'direct mode needs an http(s) URL, e.g. http://localhost:8080/v1/chat/completions',
          },
        ]
      : [],
  )
  return {
    concurrentUsers: v.CODER_SCALETEST_BRIDGE_CONCURRENT_USERS,
    mode: v.CODER_SCALETEST_BRIDGE_MODE,
    kind: v.CODER_SCALETEST_BRIDGE_PROVIDER,
    upstreamUrl: upstreamOf(v),
    requestCount: v.CODER_SCALETEST_BRIDGE_REQUEST_COUNT,
    stream: v.CODER_SCALETEST_BRIDGE_STREAM,
    requestPayloadSize: v.CODER_SCALETEST_BRIDGE_REQUEST_PAYLOAD_SIZE,
    numMessages: v.CODER_SCALETEST_BRIDGE_NUM_MESSAGES,
    httpTimeoutMs: v.CODER_SCALETEST_BRIDGE_HTTP_TIMEOUT,
    noCleanup: v.CODER_SCALETEST_NO_CLEANUP,
    openModel:
      v.SCALETEST_BRIDGE_ARRIVAL_RATE > 0
        ? {
            ratePerSecond: v.SCALETEST_BRIDGE_ARRIVAL_RATE,
            durationMs: v.SCALETEST_BRIDGE_DURATION,
            maxInFlight: v.SCALETEST_BRIDGE_MAX_IN_FLIGHT,
          }
        : undefined,
  }
}
