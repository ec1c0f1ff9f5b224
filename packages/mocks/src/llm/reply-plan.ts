// Decides what the mock answers: a tool call while the turn still owes some, otherwise text.
// A runner scripts a turn with a control block in its user message, e.g.
// <scaletest-control>{"tool_calls_this_turn":2,"command":"ls"}</scaletest-control>
// (the upstream spelling <coder-scaletest-control>…</coder-scaletest-control> works too).
import { z } from 'zod'

import type { Conversation } from './conversation.ts'
import type { ResolvedLlmMockOptions } from './options.ts'
import { describeIssues } from './schemas.ts'
import { contextualText, payload, tokenize } from './text.ts'

function withTokens(text: string) {
  return { text, tokens: tokenize(text) }
}

export type ReplyPlan =
  | { kind: 'text'; text: string; tokens: string[]; stoppedAtLimit: boolean }
  | { kind: 'tool'; name: string; arguments: string; argumentChunks: string[] }

const CONTROL = /<(coder-)?scaletest-control>([\s\S]*?)<\/\1scaletest-control>\s*/

const controlSchema = z.looseObject({
  v: z.number().optional(),
  tool_calls_this_turn: z.number().int().min(0).optional(),
  command: z.string().optional(),
  tool: z.string().min(1).optional(),
})
export type ControlBlock = z.infer<typeof controlSchema>

export class ControlBlockError extends Error {
  readonly code = 'LLM_MOCK_BAD_CONTROL_BLOCK'
}

/** Reads the control block out of user text; returns it and the text without it. */
export function readControlBlock(text: string): { control: ControlBlock | undefined; text: string } {
  const match = CONTROL.exec(text)
  if (!match) return { control: undefined, text }
  let json: unknown
  try {
    json = JSON.parse(match[2]!)
  } catch (error) {
    throw new ControlBlockError(`scaletest-control block is not valid JSON: ${(error as Error).message}`)
  }
  const parsed = controlSchema.safeParse(json)
  if (!parsed.success) throw new ControlBlockError(`scaletest-control block: ${describeIssues(parsed.error)}`)
  return { control: parsed.data, text: text.replace(match[0], '') }
}

export function planReply(
  conversation: Conversation,
  options: ResolvedLlmMockOptions,
  maxTokens?: number | null,
): ReplyPlan {
  const { control, text: prompt } = readControlBlock(conversation.lastUserText)
  const wanted = control?.tool_calls_this_turn ?? options.toolCallsPerTurn
  if (conversation.toolNames.length > 0 && conversation.toolCallsThisTurn < wanted) {
    const name =
      control?.tool && conversation.toolNames.includes(control.tool)
        ? control.tool
        : conversation.toolNames[0]!
    const args = JSON.stringify({ command: control?.command ?? options.toolCallCommand })
    return { kind: 'tool', name, arguments: args, argumentChunks: tokenize(args) } satisfies ReplyPlan
  }
  const { text, tokens } =
    options.responsePayloadSize > 0
      ? payload(options.responsePayloadSize)
      : withTokens(contextualText(prompt))
  if (maxTokens && tokens.length > maxTokens) {
    const kept = tokens.slice(0, maxTokens)
    return { kind: 'text', text: kept.join(''), tokens: kept, stoppedAtLimit: true } satisfies ReplyPlan
  }
  return { kind: 'text', text, tokens, stoppedAtLimit: false } satisfies ReplyPlan
}
