// POST /v1/messages in Anthropic's wire format: every SSE event carries its `event:` name, which
// the Anthropic SDKs dispatch on (a data-only stream reads as an empty answer).

import { completionTokens, fromTemplate, jsonTokens, type RenderContext, type Renderer } from './render.ts'
import type { ReplyPlan } from './reply-plan.ts'
import type { MessagesRequest } from './schemas.ts'

function stopReason(plan: ReplyPlan): string {
  if (plan.kind === 'tool') return 'tool_use'
  return plan.stoppedAtLimit ? 'max_tokens' : 'end_turn'
}

function usage(ctx: RenderContext, outputTokens: number) {
  return {
    input_tokens: ctx.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
  }
}

const DELTA = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":'
const PING = 'event: ping\ndata: {"type":"ping"}\n\n'

/** message_start, content_block_start and ping: per answer (ids, usage). */
function head(plan: ReplyPlan, ctx: RenderContext): string {
  const message = {
    id: `msg_${ctx.id}`,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: usage(ctx, 1),
  }
  const block =
    plan.kind === 'text'
      ? { type: 'text', text: '' }
      : { type: 'tool_use', id: `toolu_${ctx.id}`, name: plan.name, input: {} }
  return (
    `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message })}\n\n` +
    `event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: block })}\n\n${PING}`
  )
}

/** The content_block_delta events: the same for every answer with these tokens. */
function deltas(plan: ReplyPlan): string[] {
  if (plan.kind === 'text')
    return jsonTokens(plan.tokens).map((t) => `${DELTA}{"type":"text_delta","text":${t}}}\n\n`)
  return jsonTokens(plan.argumentChunks).map(
    (c) => `${DELTA}{"type":"input_json_delta","partial_json":${c}}}\n\n`,
  )
}

function tail(plan: ReplyPlan, ctx: RenderContext): string {
  return (
    'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
    `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"${stopReason(plan)}","stop_sequence":null},"usage":${JSON.stringify(usage(ctx, completionTokens(plan)))}}\n\n` +
    'event: message_stop\ndata: {"type":"message_stop"}\n\n'
  )
}

export const messagesRenderer: Renderer<MessagesRequest> = {
  stream(plan, ctx) {
    return [head(plan, ctx), ...deltas(plan), tail(plan, ctx)]
  },

  streamBuffer(plan, ctx) {
    if (plan.kind !== 'text') return undefined
    return fromTemplate({
      kind: 'messages',
      tokens: plan.tokens,
      key: 'messages',
      id: ctx.id,
      head: head(plan, ctx),
      tail: tail(plan, ctx),
      render: () => deltas(plan),
    })
  },

  json(plan, ctx) {
    const content =
      plan.kind === 'text'
        ? [{ type: 'text', text: plan.text }]
        : [{ type: 'tool_use', id: `toolu_${ctx.id}`, name: plan.name, input: JSON.parse(plan.arguments) }]
    return {
      id: `msg_${ctx.id}`,
      type: 'message',
      role: 'assistant',
      model: ctx.model,
      content,
      stop_reason: stopReason(plan),
      stop_sequence: null,
      usage: usage(ctx, completionTokens(plan)),
    }
  },

  brokenEvent() {
    return 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\n\n'
  },
}
