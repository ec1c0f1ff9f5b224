// POST /v1/responses in OpenAI's wire format: typed events, each with a sequence number, from
// `response.created` through `response.completed`.

import {
  completionTokens,
  fromTemplate,
  jsonTokens,
  namedEvent,
  type RenderContext,
  type Renderer,
} from './render.ts'
import type { ReplyPlan } from './reply-plan.ts'
import type { ResponsesRequest } from './schemas.ts'

function outputItem(plan: ReplyPlan, ctx: RenderContext, done: boolean) {
  if (plan.kind === 'text')
    return {
      id: `msg_${ctx.id}`,
      type: 'message',
      status: done ? 'completed' : 'in_progress',
      role: 'assistant',
      content: done ? [{ type: 'output_text', text: plan.text, annotations: [], logprobs: [] }] : [],
    }
  return {
    id: `fc_${ctx.id}`,
    type: 'function_call',
    status: done ? 'completed' : 'in_progress',
    call_id: `call_${ctx.id}`,
    name: plan.name,
    arguments: done ? plan.arguments : '',
  }
}

function response(plan: ReplyPlan, ctx: RenderContext, body: ResponsesRequest, done: boolean) {
  const output = completionTokens(plan)
  return {
    id: `resp_${ctx.id}`,
    object: 'response',
    created_at: ctx.created,
    status: done ? 'completed' : 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: null,
    model: ctx.model,
    output: done ? [outputItem(plan, ctx, true)] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: body.tools ?? [],
    top_p: 1,
    truncation: 'disabled',
    usage: done
      ? {
          input_tokens: ctx.promptTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: ctx.promptTokens + output,
        }
      : null,
    metadata: {},
  }
}

type TextPlan = Extract<ReplyPlan, { kind: 'text' }>

const DELTA =
  'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":'

/**
 * A text answer in three parts: the events before the deltas and after them, rendered per answer,
 * and the deltas, which differ between answers only in the item id (the stream template's part).
 */
function textParts(plan: TextPlan, ctx: RenderContext, body: ResponsesRequest) {
  let sequence = 0
  const event = (type: string, fields: Record<string, unknown>) =>
    namedEvent(type, { type, sequence_number: sequence++, ...fields })
  const item = outputItem(plan, ctx, false)
  const at = { item_id: item.id, output_index: 0 }
  const part = { type: 'output_text', text: '', annotations: [], logprobs: [] }
  const head = [
    event('response.created', { response: response(plan, ctx, body, false) }),
    event('response.in_progress', { response: response(plan, ctx, body, false) }),
    event('response.output_item.added', { output_index: 0, item }),
    event('response.content_part.added', { ...at, content_index: 0, part }),
  ]
  const first = sequence
  const fields = `,"item_id":"${item.id}","output_index":0,"content_index":0,"delta":`
  const deltas = () =>
    jsonTokens(plan.tokens).map((d, i) => `${DELTA}${first + i}${fields}${d},"logprobs":[]}\n\n`)
  sequence += plan.tokens.length
  const tail = [
    event('response.output_text.done', { ...at, content_index: 0, text: plan.text, logprobs: [] }),
    event('response.content_part.done', { ...at, content_index: 0, part: { ...part, text: plan.text } }),
    event('response.output_item.done', { output_index: 0, item: outputItem(plan, ctx, true) }),
    event('response.completed', { response: response(plan, ctx, body, true) }),
  ]
  return { head, deltas, tail }
}

function toolEvents(plan: Extract<ReplyPlan, { kind: 'tool' }>, ctx: RenderContext, body: ResponsesRequest) {
  let sequence = 0
  const event = (type: string, fields: Record<string, unknown>) =>
    namedEvent(type, { type, sequence_number: sequence++, ...fields })
  const item = outputItem(plan, ctx, false)
  const at = { item_id: item.id, output_index: 0 }
  return [
    event('response.created', { response: response(plan, ctx, body, false) }),
    event('response.in_progress', { response: response(plan, ctx, body, false) }),
    event('response.output_item.added', { output_index: 0, item }),
    ...plan.argumentChunks.map((delta) => event('response.function_call_arguments.delta', { ...at, delta })),
    event('response.function_call_arguments.done', { ...at, name: plan.name, arguments: plan.arguments }),
    event('response.output_item.done', { output_index: 0, item: outputItem(plan, ctx, true) }),
    event('response.completed', { response: response(plan, ctx, body, true) }),
  ]
}

export const responsesRenderer: Renderer<ResponsesRequest> = {
  stream(plan, ctx, body) {
    if (plan.kind === 'tool') return toolEvents(plan, ctx, body)
    const { head, deltas, tail } = textParts(plan, ctx, body)
    return [...head, ...deltas(), ...tail]
  },

  streamBuffer(plan, ctx, body) {
    if (plan.kind !== 'text') return undefined
    const { head, deltas, tail } = textParts(plan, ctx, body)
    return fromTemplate({
      kind: 'responses',
      tokens: plan.tokens,
      key: String(ctx.id.length),
      id: ctx.id,
      idPrefix: '"item_id":"msg_',
      head: head.join(''),
      tail: tail.join(''),
      render: deltas,
    })
  },

  json(plan, ctx, body) {
    return response(plan, ctx, body, true)
  },

  brokenEvent(ctx) {
    return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_${ctx.id}","delta":"\n\n`
  },
}
