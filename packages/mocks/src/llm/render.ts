import type { ReplyPlan } from './reply-plan.ts'

/** Per-answer values every renderer stamps into its output. */
export interface RenderContext {
  /** Unique suffix for this answer's ids (`chatcmpl-…`, `msg_…`, `resp_…`). */
  id: string
  /** Unix seconds. */
  created: number
  model: string
  promptTokens: number
}

/** One provider's wire format: a streamed answer as SSE event strings, or a JSON body. */
export interface Renderer<Body> {
  stream(plan: ReplyPlan, ctx: RenderContext, body: Body): string[]
  /** The same stream as one buffer, when the renderer has a faster way to build it than joining events. */
  streamBuffer?(plan: ReplyPlan, ctx: RenderContext, body: Body): Uint8Array | undefined
  json(plan: ReplyPlan, ctx: RenderContext, body: Body): unknown
  /** An event with a cut-off JSON payload, for the `malformed` fault. */
  brokenEvent(ctx: RenderContext): string
}

export function completionTokens(plan: ReplyPlan): number {
  return plan.kind === 'text' ? plan.tokens.length : plan.argumentChunks.length
}

const jsonCache = new WeakMap<string[], string[]>()

/** JSON string literals of tokens, cached per token array (payload answers reuse one array). */
export function jsonTokens(tokens: string[]): string[] {
  let json = jsonCache.get(tokens)
  if (!json) {
    json = tokens.map((t) => JSON.stringify(t))
    jsonCache.set(tokens, json)
  }
  return json
}

/** A named SSE event (Anthropic and Responses clients dispatch on the `event:` line). */
export function namedEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
}

// Answer buffers are reused once written: a fresh 100 KB allocation per answer costs more in page
// faults and GC than rendering it. Only the node:http listener gives buffers back.
const freeBuffers = new Map<number, Buffer[]>()
const MAX_FREE_PER_SIZE = 256

function acquireBuffer(size: number): Buffer {
  return freeBuffers.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size)
}

/** Returns a buffer from streamBuffer once the socket no longer needs it. */
export function releaseBuffer(buffer: Uint8Array): void {
  if (!Buffer.isBuffer(buffer) || buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength)
    return
  let free = freeBuffers.get(buffer.length)
  if (!free) {
    if (freeBuffers.size > 32) freeBuffers.clear()
    free = []
    freeBuffers.set(buffer.length, free)
  }
  if (free.length < MAX_FREE_PER_SIZE) free.push(buffer)
}

interface StreamTemplate {
  key: string
  bytes: Buffer
  /** The answer id the template was rendered with. */
  id: Buffer
  /** Byte offsets where this template's answer id sits, to be overwritten by each answer's own id. */
  idOffsets: number[]
}

const templates = new WeakMap<string[], StreamTemplate>()
const filledWith = new WeakMap<Buffer, { template: StreamTemplate; id: Buffer }>()

/**
 * Builds a streamed answer by copying a cached rendering of the same tokens and overwriting the
 * answer id in place, instead of re-rendering every event. The cache holds one template per token
 * array and is rebuilt when anything else in it changes (model, options, the `created` second).
 * Ids must have a fixed length for the offsets to hold.
 */
export function fromTemplate(
  tokens: string[],
  key: string,
  ctx: RenderContext,
  idPrefix: string,
  render: () => string[],
  tail: string,
): Buffer {
  let template = templates.get(tokens)
  if (template?.key !== key) {
    const bytes = Buffer.from(render().join(''))
    const needle = Buffer.from(idPrefix + ctx.id)
    const skip = Buffer.byteLength(idPrefix)
    const idOffsets: number[] = []
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length))
      idOffsets.push(at + skip)
    template = { key, bytes, id: Buffer.from(ctx.id, 'latin1'), idOffsets }
    templates.set(tokens, template)
  }
  const tailBytes = Buffer.byteLength(tail)
  const out = acquireBuffer(template.bytes.length + tailBytes)
  // A reused buffer that last held this template differs from this answer only in the id bytes
  // that changed (ids are sequential: usually the last one or two) and in the tail.
  let previous = filledWith.get(out)
  if (previous?.template !== template) {
    template.bytes.copy(out, 0)
    previous = { template, id: template.id }
  }
  const id = Buffer.from(ctx.id, 'latin1')
  for (let k = 0; k < id.length; k++) {
    const byte = id[k]!
    if (byte !== previous.id[k]) for (const offset of template.idOffsets) out[offset + k] = byte
  }
  filledWith.set(out, { template, id })
  out.write(tail, template.bytes.length)
  return out
}
