// Chats API shapes (Coder: codersdk/chats.go, codersdk/aiproviders.go). Loose objects: new fields pass.

import { z } from 'zod'

export const chatStatusSchema = z.enum(['waiting', 'pending', 'running', 'paused', 'completed', 'error'])

export const chatSchema = z.looseObject({
  id: z.string(),
  owner_id: z.string(),
  workspace_id: z.string().nullish(),
  last_model_config_id: z.string().nullish(),
  title: z.string(),
  status: chatStatusSchema,
  // A string in older revisions, a ChatError object in newer ones.
  last_error: z.union([z.string(), z.looseObject({ message: z.string() })]).nullish(),
  archived: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
})
export type Chat = z.infer<typeof chatSchema>

export const chatPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() })

export const chatMessageSchema = z.looseObject({
  id: z.number(),
  chat_id: z.string(),
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.array(chatPartSchema).nullish(),
  created_at: z.string(),
})
export type ChatMessage = z.infer<typeof chatMessageSchema>

export const chatStreamEventSchema = z.looseObject({
  type: z.string(),
  chat_id: z.string().optional(),
  message: chatMessageSchema.optional(),
  message_part: z.looseObject({ role: z.string().optional(), part: chatPartSchema }).optional(),
  status: z.looseObject({ status: chatStatusSchema }).optional(),
  error: z.looseObject({ message: z.string() }).optional(),
  retry: z.looseObject({ attempt: z.number(), delay_ms: z.number(), error: z.string() }).optional(),
})
export type ChatStreamEvent = z.infer<typeof chatStreamEventSchema>

/** Either framing: a bare array of events (newer) or a `{type: ping|data|error, data}` envelope (older). */
export const chatStreamFrameSchema = z.union([
  z.array(chatStreamEventSchema),
  z.looseObject({ type: z.enum(['ping', 'data', 'error']), data: z.unknown().optional() }),
])

export const createChatMessageResponseSchema = z.looseObject({
  queued: z.boolean().optional(),
  message: chatMessageSchema.optional(),
})

export const aiProviderSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  display_name: z.string(),
  enabled: z.boolean(),
  base_url: z.string(),
  api_keys: z.array(z.looseObject({ id: z.string() })).nullish(),
})
export type AIProvider = z.infer<typeof aiProviderSchema>

export const chatModelConfigSchema = z.looseObject({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  ai_provider_id: z.string().nullish(),
  enabled: z.boolean().optional(),
})
export type ChatModelConfig = z.infer<typeof chatModelConfigSchema>
