// The bridge scenario's knobs, read from the environment variables of Coder's
// `coder exp scaletest bridge` flags (cli/exp_scaletest_bridge.go, scaletest/bridge/config.go).
// Every bad value is reported at once, before any user is created.

import { z } from 'zod'

import { ConfigError, knob, parseDuration } from '@scaletest/vitest'

export type BridgeMode = 'bridge' | 'direct'
export type BridgeKind = 'completions' | 'responses' | 'messages'

const KINDS: Record<string, BridgeKind> = {
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

const bool = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const v = value?.trim().toLowerCase() ?? ''
    if (v === '') return false
    if (['1', 'true', 'yes', 'on'].includes(v)) return true
    if (['0', 'false', 'no', 'off'].includes(v)) return false
    ctx.addIssue({ code: 'custom', message: 'expected true or false' })
    return z.NEVER
  })

const schema = z.object({
  CODER_SCALETEST_BRIDGE_CONCURRENT_USERS: knob.int(10, 1),
  CODER_SCALETEST_BRIDGE_MODE: z
    .string()
    .optional()
    .transform((v) => v?.trim() || 'direct')
    .pipe(z.enum(['bridge', 'direct'], { message: "expected 'bridge' or 'direct'" })),
  CODER_SCALETEST_BRIDGE_UPSTREAM_URL: z.string().optional(),
  CODER_SCALETEST_BRIDGE_PROVIDER: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const kind = KINDS[value?.trim() || 'completions']
      if (!kind) {
        ctx.addIssue({ code: 'custom', message: "expected 'completions', 'responses' or 'messages'" })
        return z.NEVER
      }
      return kind
    }),
  CODER_SCALETEST_BRIDGE_REQUEST_COUNT: knob.int(1, 1),
  CODER_SCALETEST_BRIDGE_STREAM: bool,
  CODER_SCALETEST_BRIDGE_REQUEST_PAYLOAD_SIZE: knob.int(1024, 0),
  CODER_SCALETEST_BRIDGE_NUM_MESSAGES: knob.int(1, 1),
  CODER_SCALETEST_BRIDGE_HTTP_TIMEOUT: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const ms = parseDuration(value?.trim() || '30s')
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: 'expected a positive duration such as 500ms or 30s' })
        return z.NEVER
      }
      return ms
    }),
  CODER_SCALETEST_NO_CLEANUP: bool,
  // Ours, not Coder's: the open model.
  SCALETEST_BRIDGE_ARRIVAL_RATE: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const n = value === undefined || value.trim() === '' ? 0 : Number(value)
      if (!Number.isFinite(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: 'expected requests per second, >= 0 (0 = closed loop)' })
        return z.NEVER
      }
      return n
    }),
  SCALETEST_BRIDGE_DURATION: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const ms = parseDuration(value?.trim() || '10s')
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: 'expected a positive duration such as 10s or 1m' })
        return z.NEVER
      }
      return ms
    }),
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
  const parsed = schema.safeParse(env)
  const names: string[] = []
  const problems: string[] = []
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0])
      names.push(name)
      problems.push(`  ${name}=${JSON.stringify(env[name])}: ${issue.message}`)
    }
  const kind = parsed.success ? parsed.data.CODER_SCALETEST_BRIDGE_PROVIDER : 'completions'
  const mode = parsed.success ? parsed.data.CODER_SCALETEST_BRIDGE_MODE : 'direct'
  const upstream =
    env.CODER_SCALETEST_BRIDGE_UPSTREAM_URL?.trim() || (llmUrl ? `${llmUrl}${KIND_PATHS[kind].upstream}` : '')
  if (mode === 'direct' && (!/^https?:\/\//.test(upstream) || !URL.canParse(upstream))) {
    names.push('CODER_SCALETEST_BRIDGE_UPSTREAM_URL')
    problems.push(
      `  CODER_SCALETEST_BRIDGE_UPSTREAM_URL=${JSON.stringify(upstream)}: direct mode needs an http(s) URL, e.g. http://localhost:8080/v1/chat/completions`,
    )
  }
  if (!parsed.success || problems.length > 0)
    throw new ConfigError(names, `invalid bridge scale test configuration:\n${problems.join('\n')}`)
  const v = parsed.data
  return {
    concurrentUsers: v.CODER_SCALETEST_BRIDGE_CONCURRENT_USERS,
    mode: v.CODER_SCALETEST_BRIDGE_MODE,
    kind: v.CODER_SCALETEST_BRIDGE_PROVIDER,
    upstreamUrl: upstream,
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
