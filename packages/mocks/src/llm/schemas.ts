// The request fields the mock reads, validated at the edge. Objects are loose: real clients send
// many more fields, and the mock must accept all of them.
import { z } from 'zod'

const maxTokens = z.number().int().positive().nullish()
const contentPart = z.looseObject({ type: z.string() })

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
        content: z.union([z.string(), z.array(contentPart)]).nullish(),
        tool_calls: z.array(z.looseObject({ type: z.string().optional() })).nullish(),
      }),
    )
    .min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  tools: z
    .array(
      z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string().min(1) }).optional() }),
    )
    .nullish(),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
})
export type ChatRequest = z.infer<typeof chatRequestSchema>

const responsesItem = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: z.union([z.string(), z.array(contentPart)]).optional(),
})

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(responsesItem)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional() })).nullish(),
})
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>

export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['user', 'assistant']),
        content: z.union([z.string(), z.array(contentPart)]),
      }),
    )
    .min(1),
  system: z.union([z.string(), z.array(contentPart)]).optional(),
  stream: z.boolean().optional(),
  tools: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
})
export type MessagesRequest = z.infer<typeof messagesRequestSchema>

/** Formats zod issues as one line naming each bad field as spelled in JSON. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ')
}
