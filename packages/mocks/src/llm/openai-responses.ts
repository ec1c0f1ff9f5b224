// POST /v1/responses in OpenAI's wire format: typed events, each with a sequence number, from
// `response.created` through `response.completed`.

import { completionTokens, jsonTokens, namedEvent, type RenderContext, type Renderer } from './render.ts'
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

export const responsesRenderer: Renderer<ResponsesRequest> = {
  stream(plan, ctx, body) {
    const events: string[] = []
    let sequence = 0
    const emit = (type: string, fields: Record<string, unknown>) =>
      events.push(namedEvent(type, { type, sequence_number: sequence++, ...fields }))
    emit('response.created', { response: response(plan, ctx, body, false) })
    emit('response.in_progress', { response: response(plan, ctx, body, false) })
    const item = outputItem(plan, ctx, false)
    const at = { item_id: item.id, output_index: 0 }
    emit('response.output_item.added', { output_index: 0, item })
    if (plan.kind === 'text') {
      const part = { type: 'output_text', text: '', annotations: [], logprobs: [] }
      emit('response.content_part.added', { ...at, content_index: 0, part })
      // Deltas from a string template: the bulk of a long answer, and all alike but for two fields.
      const head = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":`
      const fields = `,"item_id":"${item.id}","output_index":0,"content_index":0,"delta":`
      for (const delta of jsonTokens(plan.tokens))
        events.push(`${head}${sequence++}${fields}${delta},"logprobs":[]}\n\n`)
      emit('response.output_text.done', { ...at, content_index: 0, text: plan.text, logprobs: [] })
      emit('response.content_part.done', { ...at, content_index: 0, part: { ...part, text: plan.text } })
    } else {
      for (const delta of plan.argumentChunks)
        emit('response.function_call_arguments.delta', { ...at, delta })
      emit('response.function_call_arguments.done', { ...at, name: plan.name, arguments: plan.arguments })
    }
    emit('response.output_item.done', { output_index: 0, item: outputItem(plan, ctx, true) })
    emit('response.completed', { response: response(plan, ctx, body, true) })
    return events
  },

  json(plan, ctx, body) {
    return response(plan, ctx, body, true)
  },

  brokenEvent(ctx) {
    return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_${ctx.id}","delta":"\n\n`
  },
}
