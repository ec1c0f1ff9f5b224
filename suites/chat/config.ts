// The chat scenario's knobs, read from the environment variables of Coder's `coder exp scaletest chat`
// flags (cli/exp_scaletest_chat.go). Every bad value is reported before anything is created.

import { z } from 'zod'

import { ConfigError, knob, parseDuration } from '@scaletest/vitest'

const duration = (fallback: string, allowZero: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const ms = parseDuration(value?.trim() || fallback)
      if (ms === undefined || ms < 0 || (!allowZero && ms === 0)) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration such as 0s, 500ms or 30s' })
        return z.NEVER
      }
      return ms
    })

const schema = z.object({
  CODER_SCALETEST_CHAT_CHATS_PER_WORKSPACE: knob.int(1, 1),
  CODER_SCALETEST_CHAT_PROMPT: z.string().optional(),
  CODER_SCALETEST_CHAT_TURNS: knob.int(10, 1),
  CODER_SCALETEST_CHAT_TURN_START_DELAY: duration('0s', true),
  CODER_SCALETEST_CHAT_TOOL_CALLS_PER_TURN: knob.int(0, 0),
  CODER_SCALETEST_CHAT_LLM_MOCK_URL: z.string().optional(),
  CODER_SCALETEST_CHAT_PROVIDER_PROPAGATION_WAIT: duration('15s', true),
  CODER_SCALETEST_CHAT_TURN_TIMEOUT: duration('60s', false),
  CODER_SCALETEST_TARGET_WORKSPACES: z.string().optional(),
  CODER_SCALETEST_TEMPLATE: z.string().optional(),
})

export interface TargetRange {
  start: number
  end: number
}

export interface ChatConfig {
  chatsPerWorkspace: number
  prompt: string
  turns: number
  turnStartDelayMs: number
  toolCallsPerTurn: number
  /** The provider base URL, with `/v1`. */
  llmMockUrl: string
  providerPropagationWaitMs: number
  turnTimeoutMs: number
  targetWorkspaces: TargetRange | undefined
  /** `--template`: only workspaces of this template (name or ID). */
  template: string | undefined
}

/**
 * Coder's `--target-workspaces "[START]:[END]"` (cli/exp_scaletest.go parseTargetRange, wrapped as
 * "parse target workspaces: …"), with its messages. END is exclusive. Coder's strconv.Atoi takes a
 * negative START and then panics slicing; here it is a clear error instead.
 */
export function parseTargetRange(raw: string): TargetRange {
  const invalid = (why?: string) =>
    new Error(
      `parse target workspaces: invalid target workspaces ${JSON.stringify(raw)}${why ? `: ${why}` : ''}`,
    )
  const parts = raw.split(':')
  if (parts.length !== 2) throw invalid()
  const atoi = (s: string) => {
    if (!/^[+-]?\d+$/.test(s)) throw invalid(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`)
    return Number(s)
  }
  const start = atoi(parts[0]!)
  const end = atoi(parts[1]!)
  if (start === end) throw invalid('start and end cannot be equal')
  if (end < start) throw invalid('end cannot be less than start')
  if (start < 0) throw invalid('start cannot be negative')
  return { start, end }
}

/** @param defaultLlmUrl the LLM mock this run started (without `/v1`). */
export function loadChatConfig(
  env: Record<string, string | undefined>,
  defaultLlmUrl: string | undefined,
): ChatConfig {
  const parsed = schema.safeParse(env)
  const problems: string[] = []
  const names: string[] = []
  if (!parsed.success)
    for (const i of parsed.error.issues) {
      names.push(String(i.path[0]))
      problems.push(`  ${String(i.path[0])}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`)
    }
  let target: TargetRange | undefined
  const rawTarget = env.CODER_SCALETEST_TARGET_WORKSPACES?.trim()
  if (rawTarget)
    try {
      target = parseTargetRange(rawTarget)
    } catch (error) {
      names.push('CODER_SCALETEST_TARGET_WORKSPACES')
      problems.push(
        `  CODER_SCALETEST_TARGET_WORKSPACES=${JSON.stringify(rawTarget)}: ${(error as Error).message}`,
      )
    }
  const llm = env.CODER_SCALETEST_CHAT_LLM_MOCK_URL?.trim() || (defaultLlmUrl ? `${defaultLlmUrl}/v1` : '')
  if (!llm || !/^https?:\/\//.test(llm) || !URL.canParse(llm)) {
    names.push('CODER_SCALETEST_CHAT_LLM_MOCK_URL')
    problems.push(`  CODER_SCALETEST_CHAT_LLM_MOCK_URL=${JSON.stringify(llm)}: expected an http(s) URL`)
  }
  if (!parsed.success || problems.length > 0)
    throw new ConfigError(names, `invalid chat scale test configuration:\n${problems.join('\n')}`)
  const v = parsed.data
  return {
    chatsPerWorkspace: v.CODER_SCALETEST_CHAT_CHATS_PER_WORKSPACE,
    prompt: v.CODER_SCALETEST_CHAT_PROMPT || 'Reply with one short sentence.',
    turns: v.CODER_SCALETEST_CHAT_TURNS,
    turnStartDelayMs: v.CODER_SCALETEST_CHAT_TURN_START_DELAY,
    toolCallsPerTurn: v.CODER_SCALETEST_CHAT_TOOL_CALLS_PER_TURN,
    llmMockUrl: llm,
    providerPropagationWaitMs: v.CODER_SCALETEST_CHAT_PROVIDER_PROPAGATION_WAIT,
    turnTimeoutMs: v.CODER_SCALETEST_CHAT_TURN_TIMEOUT,
    targetWorkspaces: target,
    template: v.CODER_SCALETEST_TEMPLATE?.trim() || undefined,
  }
}

/** Coder's scaletest/chatcontrol block, prefixed to the prompt when tool calls are requested. */
export function withControlBlock(prompt: string, toolCalls: number): string {
  if (toolCalls <= 0) return prompt
  const control = { v: 1, tool_calls_this_turn: toolCalls, tool: 'execute', command: 'echo scaletest' }
  return `<coder-scaletest-control>${JSON.stringify(control)}</coder-scaletest-control>\n${prompt}`
}
