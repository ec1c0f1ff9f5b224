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
  /** Byte offsets where that id sits, to be overwritten by each answer's own id. */
  idOffsets: number[]
}

// Per token array, one template per kind of stream (chat, messages, responses).
const templates = new WeakMap<string[], Map<string, StreamTemplate>>()
const filledWith = new WeakMap<Buffer, { template: StreamTemplate; id: Buffer; at: number }>()

export interface TemplatedStream {
  /** Which renderer's stream this is: each keeps its own template for the same tokens. */
  kind: string
  /** The answer's tokens: the cache key, so it must be the same array for the same answer. */
  tokens: string[]
  /** Everything else the cached part depends on. */
  key: string
  /** This answer's id, fixed length; `idPrefix` is what precedes it in the cached part (none: no ids there). */
  id: string
  idPrefix?: string
  /** Events before and after the cached part, rendered per answer. */
  head: string
  tail: string
  /** Renders the cached part (the token events) on a miss. */
  render(): string[]
}

/**
 * Builds a streamed answer from a cached rendering of its token events, overwriting the answer id
 * in place, instead of re-rendering every event. The cache holds one template per token array and
 * is rebuilt when the key changes (model, options, the `created` second).
 */
export function fromTemplate(stream: TemplatedStream): Buffer {
  let byKind = templates.get(stream.tokens)
  if (!byKind) {
    byKind = new Map()
    templates.set(stream.tokens, byKind)
  }
  let template = byKind.get(stream.kind)
  if (template?.key !== stream.key) {
    const bytes = Buffer.from(stream.render().join(''))
    const idOffsets: number[] = []
    if (stream.idPrefix !== undefined) {
      const needle = Buffer.from(stream.idPrefix + stream.id)
      const skip = Buffer.byteLength(stream.idPrefix)
      for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length))
        idOffsets.push(at + skip)
    }
    template = { key: stream.key, bytes, id: Buffer.from(stream.id, 'latin1'), idOffsets }
    byKind.set(stream.kind, template)
  }
  const at = Buffer.byteLength(stream.head)
  const out = acquireBuffer(at + template.bytes.length + Buffer.byteLength(stream.tail))
  out.write(stream.head, 0)
  // A reused buffer that last held this template at the same place differs from this answer only
  // in the id bytes that changed (ids are sequential: usually the last one or two).
  let previous = filledWith.get(out)
  if (previous?.template !== template || previous.at !== at) {
    template.bytes.copy(out, at)
    previous = { template, id: template.id, at }
  }
  const id = Buffer.from(stream.id, 'latin1')
  for (let k = 0; k < id.length; k++) {
    const byte = id[k]!
    if (byte !== previous.id[k]) for (const offset of template.idOffsets) out[at + offset + k] = byte
  }
  filledWith.set(out, { template, id, at })
  out.write(stream.tail, at + template.bytes.length)
  return out
}
