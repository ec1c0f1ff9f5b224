// The chat scenario's knobs, read from the environment variables of Coder's `coder exp scaletest chat`
// flags (cli/exp_scaletest_chat.go). Every bad value is reported before anything is created.

import { z } from 'zod'

import { knob, parseKnobs, parseTargetRange, type TargetRange } from '@scaletest/vitest'

const DEFAULT_PROMPT = 'Reply with one short sentence.'

// The LLM URL defaults to the mock this run started, so the schema is made per load.
const chatSchema = (defaultLlmUrl: string | undefined) =>
  z.object({
    CODER_SCALETEST_CHAT_CHATS_PER_WORKSPACE: knob.int(1, 1),
    CODER_SCALETEST_CHAT_PROMPT: knob.string(DEFAULT_PROMPT),
    CODER_SCALETEST_CHAT_TURNS: knob.int(10, 1),
    CODER_SCALETEST_CHAT_TURN_START_DELAY: knob.duration('0s', { allowZero: true }),
    CODER_SCALETEST_CHAT_TOOL_CALLS_PER_TURN: knob.int(0, 0),
    CODER_SCALETEST_CHAT_LLM_MOCK_URL: knob.url(defaultLlmUrl ? `${defaultLlmUrl}/v1` : ''),
    CODER_SCALETEST_CHAT_PROVIDER_PROPAGATION_WAIT: knob.duration('15s', { allowZero: true }),
    CODER_SCALETEST_CHAT_TURN_TIMEOUT: knob.duration('60s'),
    CODER_SCALETEST_TARGET_WORKSPACES: knob.parsed(parseTargetWorkspaces),
    CODER_SCALETEST_TEMPLATE: knob.string(),
  })

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

/** Coder's `--target-workspaces "[START]:[END]"`, wrapped as the chat command wraps it. */
function parseTargetWorkspaces(raw: string): TargetRange | undefined {
  try {
    return parseTargetRange('workspaces', raw)
  } catch (error) {
    throw new Error(`parse target workspaces: ${(error as Error).message}`)
  }
}

/** @param defaultLlmUrl the LLM mock this run started (without `/v1`). */
export function loadChatConfig(
  env: Record<string, string | undefined>,
  defaultLlmUrl: string | undefined,
): ChatConfig {
  const v = parseKnobs(chatSchema(defaultLlmUrl), env, 'chat scale test')
  return {
    chatsPerWorkspace: v.CODER_SCALETEST_CHAT_CHATS_PER_WORKSPACE,
    prompt: v.CODER_SCALETEST_CHAT_PROMPT,
    turns: v.CODER_SCALETEST_CHAT_TURNS,
    turnStartDelayMs: v.CODER_SCALETEST_CHAT_TURN_START_DELAY,
    toolCallsPerTurn: v.CODER_SCALETEST_CHAT_TOOL_CALLS_PER_TURN,
    llmMockUrl: v.CODER_SCALETEST_CHAT_LLM_MOCK_URL,
    providerPropagationWaitMs: v.CODER_SCALETEST_CHAT_PROVIDER_PROPAGATION_WAIT,
    turnTimeoutMs: v.CODER_SCALETEST_CHAT_TURN_TIMEOUT,
    targetWorkspaces: v.CODER_SCALETEST_TARGET_WORKSPACES,
    template: v.CODER_SCALETEST_TEMPLATE || undefined,
  }
}

/** Coder's scaletest/chatcontrol block, prefixed to the prompt when tool calls are requested. */
export function withControlBlock(prompt: string, toolCalls: number): string {
  if (toolCalls <= 0) return prompt
  const control = { v: 1, tool_calls_this_turn: toolCalls, tool: 'execute', command: 'echo scaletest' }
  return `<coder-scaletest-control>${JSON.stringify(control)}</coder-scaletest-control>\n${prompt}`
}
