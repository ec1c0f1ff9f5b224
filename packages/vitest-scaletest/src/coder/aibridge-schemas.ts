// AI Bridge interception shapes (Coder: codersdk/aibridge.go). Loose objects: new fields pass.

import { z } from 'zod'

const metadata = z.record(z.string(), z.unknown()).nullish()

export const aibridgeTokenUsageSchema = z.looseObject({
  id: z.string(),
  interception_id: z.string(),
  provider_response_id: z.string(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  metadata,
  created_at: z.string(),
})

export const aibridgeUserPromptSchema = z.looseObject({
  id: z.string(),
  interception_id: z.string(),
  provider_response_id: z.string(),
  prompt: z.string(),
  metadata,
  created_at: z.string(),
})

export const aibridgeToolUsageSchema = z.looseObject({
  id: z.string(),
  interception_id: z.string(),
  provider_response_id: z.string(),
  server_url: z.string(),
  tool: z.string(),
  input: z.string(),
  injected: z.boolean(),
  invocation_error: z.string(),
  metadata,
  created_at: z.string(),
})

export const aibridgeInterceptionSchema = z.looseObject({
  id: z.string(),
  api_key_id: z.string().nullish(),
  initiator: z.looseObject({ id: z.string(), username: z.string(), name: z.string().optional() }),
  provider: z.string(),
  model: z.string(),
  client: z.string().nullish(),
  metadata,
  started_at: z.string(),
  ended_at: z.string().nullish(),
  token_usages: z.array(aibridgeTokenUsageSchema).nullish(),
  user_prompts: z.array(aibridgeUserPromptSchema).nullish(),
  tool_usages: z.array(aibridgeToolUsageSchema).nullish(),
})
export type AIBridgeInterception = z.infer<typeof aibridgeInterceptionSchema>

export const aibridgeListInterceptionsSchema = z.looseObject({
  count: z.number(),
  results: z.array(aibridgeInterceptionSchema),
})
export type AIBridgeListInterceptionsResponse = z.infer<typeof aibridgeListInterceptionsSchema>

/** codersdk.AIBridgeListInterceptionsFilter: the filters become the `q` query, quoted. */
export interface AIBridgeInterceptionsFilter {
  /** A user id, username or "me". */
  initiator?: string
  provider?: string
  model?: string
  client?: string
  started_after?: Date | string
  started_before?: Date | string
  /** Extra `key:value` terms, appended as is. */
  q?: string
  /** Default 100, at most 1000. */
  limit?: number
  offset?: number
  after_id?: string
}
