import { z } from 'zod'

/** Fault modes a request can be given, by `x-scaletest-fault` header or by probability. */
export const FAULT_MODES = ['500', '429', 'reset', 'truncate', 'malformed', 'stall'] as const
export type FaultMode = (typeof FAULT_MODES)[number]

const durationMs = z.number().finite().min(0)
const probability = z.number().min(0).max(1)

export const llmMockOptionsSchema = z
  .strictObject({
    /** Interface to bind (startLlmMock only). 127.0.0.1 unless told otherwise. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Port to bind (startLlmMock only); 0 picks a free one. */
    port: z.number().int().min(0).max(65_535).default(0),
    /** Delay before the first byte of every LLM answer. */
    artificialLatencyMs: durationMs.default(0),
    /** Streams are paced evenly over a duration drawn uniformly from [min, max]. 0 = as fast as possible. */
    minStreamDurationMs: durationMs.optional(),
    maxStreamDurationMs: durationMs.optional(),
    /** Bytes of answer text; 0 answers a short sentence that quotes the prompt. */
    responsePayloadSize: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024)
      .default(0),
    /** Tool calls to make per user turn when the request offers a tool. */
    toolCallsPerTurn: z.number().int().min(0).default(0),
    toolCallCommand: z.string().default('echo scaletest'),
    /** Model ids listed by GET /v1/models. Requests may name any model; it is echoed back. */
    models: z.array(z.string().min(1)).min(1).default(['scaletest-model']),
    /** Probability per LLM request of each fault mode, e.g. `{ reset: 0.01 }`. Off by default. */
    faults: z.partialRecord(z.enum(FAULT_MODES), probability).default({}),
    /** How long the `stall` fault sends nothing. */
    stallMs: durationMs.default(10_000),
    /** `Retry-After` seconds sent with the `429` fault. */
    retryAfterSeconds: z.number().int().min(0).default(1),
    /** Requests kept by the journal (`GET /__admin/requests`); the oldest are dropped first. */
    journalLimit: z.number().int().min(0).default(1000),
    /** Request bodies above this get 413. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1)
      .default(8 * 1024 * 1024),
    /** Seed for fault draws and stream durations; unset uses Math.random. */
    seed: z.number().int().optional(),
  })
  .superRefine((o, ctx) => {
    const total = Object.values(o.faults).reduce((sum, p) => sum + (p ?? 0), 0)
    if (total > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['faults'],
        message: `fault probabilities sum to ${Number(total.toFixed(6))}, above 1`,
      })
    const min = o.minStreamDurationMs ?? o.maxStreamDurationMs ?? 0
    const max = o.maxStreamDurationMs ?? o.minStreamDurationMs ?? 0
    if (min > max)
      ctx.addIssue({
        code: 'custom',
        path: ['minStreamDurationMs'],
        message: `minStreamDurationMs (${min}) is above maxStreamDurationMs (${max})`,
      })
  })

export type LlmMockOptions = z.input<typeof llmMockOptionsSchema>
export type ResolvedLlmMockOptions = z.output<typeof llmMockOptionsSchema>

export class LlmMockConfigError extends Error {
  readonly code = 'LLM_MOCK_BAD_OPTIONS'
}

export function resolveLlmMockOptions(options: LlmMockOptions = {}): ResolvedLlmMockOptions {
  const parsed = llmMockOptionsSchema.safeParse(options)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`)
    throw new LlmMockConfigError(`invalid LLM mock options: ${problems.join('; ')}`, { cause: parsed.error })
  }
  return parsed.data
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Parses Go-style durations as the upstream CLI takes them: `0`, `250ms`, `1.5s`, `1m30s`. */
export function parseDuration(text: string): number {
  const trimmed = text.trim()
  if (trimmed === '0') return 0
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed)
    throw new LlmMockConfigError(`invalid duration '${text}': expected e.g. 500ms, 2s, 1m30s`)
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS_MS[p[2]!]!, 0)
}
