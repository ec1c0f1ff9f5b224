// POST /v1/chat/completions in OpenAI's wire format. The stream is built from string templates:
// it is the hot path of every load test, and the per-chunk envelope never changes within an answer.

import { completionTokens, fromTemplate, jsonTokens, type RenderContext, type Renderer } from './render.ts'
import type { ReplyPlan } from './reply-plan.ts'
import type { ChatRequest } from './schemas.ts'

function finishReason(plan: ReplyPlan): string {
  if (plan.kind === 'tool') return 'tool_calls'
  return plan.stoppedAtLimit ? 'length' : 'stop'
}

function usage(plan: ReplyPlan, ctx: RenderContext) {
  const completion = completionTokens(plan)
  return {
    prompt_tokens: ctx.promptTokens,
    completion_tokens: completion,
    total_tokens: ctx.promptTokens + completion,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  }
}

function tail(plan: ReplyPlan, ctx: RenderContext, envelope: string, includeUsage: boolean): string {
  if (!includeUsage) return 'data: [DONE]\n\n'
  const completion = completionTokens(plan)
  const usageEvent = `${envelope}[],"usage":{"prompt_tokens":${ctx.promptTokens},"completion_tokens":${completion},"total_tokens":${ctx.promptTokens + completion},"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}\n\n`
  return `${usageEvent}data: [DONE]\n\n`
}

function envelopeOf(ctx: RenderContext): string {
  return `data: {"id":"chatcmpl-${ctx.id}","object":"chat.completion.chunk","created":${ctx.created},"model":${JSON.stringify(ctx.model)},"system_fingerprint":null,"choices":`
}

/** Every event up to and including the one with finish_reason: the part templates can cache. */
function bodyEvents(plan: ReplyPlan, ctx: RenderContext, envelope: string, includeUsage: boolean): string[] {
  const head = `${envelope}[{"index":0,"delta":`
  const open = `,"logprobs":null,"finish_reason":null}]${includeUsage ? ',"usage":null' : ''}}\n\n`
  const events: string[] = []
  if (plan.kind === 'text') {
    events.push(`${head}{"role":"assistant","content":"","refusal":null}${open}`)
    for (const token of jsonTokens(plan.tokens)) events.push(`${head}{"content":${token}}${open}`)
  } else {
    const call = `{"index":0,"id":"call_${ctx.id}","type":"function","function":{"name":${JSON.stringify(plan.name)},"arguments":""}}`
    events.push(`${head}{"role":"assistant","content":null,"tool_calls":[${call}]}${open}`)
    for (const chunk of jsonTokens(plan.argumentChunks))
      events.push(`${head}{"tool_calls":[{"index":0,"function":{"arguments":${chunk}}}]}${open}`)
  }
  events.push(
    `${head}{},"logprobs":null,"finish_reason":"${finishReason(plan)}"}]${includeUsage ? ',"usage":null' : ''}}\n\n`,
  )
  return events
}

export const chatRenderer: Renderer<ChatRequest> = {
  stream(plan, ctx, body) {
    const includeUsage = body.stream_options?.include_usage === true
    const envelope = envelopeOf(ctx)
    const events = bodyEvents(plan, ctx, envelope, includeUsage)
    events.push(tail(plan, ctx, envelope, includeUsage))
    return events
  },

  streamBuffer(plan, ctx, body) {
    if (plan.kind !== 'text') return undefined
    const includeUsage = body.stream_options?.include_usage === true
    const envelope = envelopeOf(ctx)
    return fromTemplate({
      kind: 'chat',
      tokens: plan.tokens,
      key: `${envelope.length}|${ctx.created}|${ctx.model}|${includeUsage}|${plan.stoppedAtLimit}`,
      id: ctx.id,
      idPrefix: '"id":"chatcmpl-',
      head: '',
      tail: tail(plan, ctx, envelope, includeUsage),
      render: () => bodyEvents(plan, ctx, envelope, includeUsage),
    })
  },

  json(plan, ctx) {
    const message =
      plan.kind === 'text'
        ? { role: 'assistant', content: plan.text, refusal: null, annotations: [] }
        : {
            role: 'assistant',
            content: null,
            refusal: null,
            annotations: [],
            tool_calls: [
              {
                id: `call_${ctx.id}`,
                type: 'function',
                function: { name: plan.name, arguments: plan.arguments },
              },
            ],
          }
    return {
      id: `chatcmpl-${ctx.id}`,
      object: 'chat.completion',
      created: ctx.created,
      model: ctx.model,
      system_fingerprint: null,
      service_tier: 'default',
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(plan) }],
      usage: usage(plan, ctx),
    }
  },

  brokenEvent(ctx) {
    return `data: {"id":"chatcmpl-${ctx.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\n\n`
  },
}
