import { z } from 'zod'

import * as c from './chat-schemas.ts'
import { CoderAgentsClient } from './client-agents.ts'
import { seg } from './client-core.ts'
import type { CoderStream } from './stream.ts'
import { type DialOptions, dialJsonWebSocket, type LastFrames } from './websocket-stream.ts'

export const EXPERIMENTAL = '/api/experimental'

export interface ChatInputPart {
  type: 'text' | 'file' | 'file-reference'
  text?: string
  file_id?: string
}

export interface CreateChatRequest {
  content: ChatInputPart[]
  workspace_id?: string
  model_config_id?: string
  organization_id?: string
  labels?: Record<string, string>
}

export interface CreateChatMessageRequest {
  content: ChatInputPart[]
  model_config_id?: string
}

export interface CreateAIProviderRequest {
  type: string
  name: string
  display_name?: string
  enabled?: boolean
  base_url: string
  api_keys?: string[]
}

export interface UpdateAIProviderRequest {
  display_name?: string
  enabled?: boolean
  base_url?: string
  api_keys?: ({ api_key: string } | { id: string })[]
}

export interface CreateChatModelConfigRequest {
  provider: string
  ai_provider_id?: string
  model: string
  display_name?: string
  enabled?: boolean
  is_default?: boolean
  context_limit?: number
}

/** Chats (Coder Agents, codersdk/chats.go): chats, messages, the event stream, AI providers and model configs. */
export class CoderChatsClient extends CoderAgentsClient {
  createChat(req: CreateChatRequest, signal?: AbortSignal): Promise<c.Chat> {
    return this.transport.json(c.chatSchema, 'POST', `${EXPERIMENTAL}/chats`, { json: req, signal })
  }

  chat(id: string, signal?: AbortSignal): Promise<c.Chat> {
    return this.transport.json(c.chatSchema, 'GET', `${EXPERIMENTAL}/chats/${seg(id)}`, { signal })
  }

  listChats(signal?: AbortSignal): Promise<c.Chat[]> {
    return this.transport.json(c.chatSchema.array(), 'GET', `${EXPERIMENTAL}/chats`, { signal })
  }

  /** `PATCH {"archived":true}` → 204. */
  async archiveChat(id: string, signal?: AbortSignal): Promise<void> {
    await this.transport.send('PATCH', `${EXPERIMENTAL}/chats/${seg(id)}`, {
      json: { archived: true },
      ok: [200, 204],
      signal,
    })
  }

  /** codersdk CreateChatMessageRequest: `{content, model_config_id?}` → 200. */
  createChatMessage(id: string, req: CreateChatMessageRequest, signal?: AbortSignal) {
    return this.transport.json(
      c.createChatMessageResponseSchema,
      'POST',
      `${EXPERIMENTAL}/chats/${seg(id)}/messages`,
      { json: req, signal },
    )
  }

  interruptChat(id: string, signal?: AbortSignal): Promise<c.Chat> {
    return this.transport.json(c.chatSchema, 'POST', `${EXPERIMENTAL}/chats/${seg(id)}/interrupt`, { signal })
  }

  /** Opens the chat stream; each yielded item is one event, whichever framing the server uses. */
  streamChat(
    id: string,
    options: DialOptions & { afterId?: number } = {},
  ): Promise<CoderStream<c.ChatStreamEvent>> {
    const path = `${EXPERIMENTAL}/chats/${seg(id)}/stream`
    const query = { after_id: options.afterId === undefined ? undefined : String(options.afterId) }
    return dialJsonWebSocket(this.transport, path, query, c.chatStreamFrameSchema, decodeChatFrame, options)
  }

  chatModelConfigs(signal?: AbortSignal): Promise<c.ChatModelConfig[]> {
    return this.transport.json(
      c.chatModelConfigSchema.array(),
      'GET',
      `${EXPERIMENTAL}/chats/model-configs`,
      {
        signal,
      },
    )
  }

  createChatModelConfig(req: CreateChatModelConfigRequest, signal?: AbortSignal): Promise<c.ChatModelConfig> {
    return this.transport.json(c.chatModelConfigSchema, 'POST', `${EXPERIMENTAL}/chats/model-configs`, {
      json: req,
      signal,
    })
  }

  aiProvider(name: string, signal?: AbortSignal): Promise<c.AIProvider> {
    return this.transport.json(c.aiProviderSchema, 'GET', `/api/v2/ai/providers/${seg(name)}`, { signal })
  }

  createAIProvider(req: CreateAIProviderRequest, signal?: AbortSignal): Promise<c.AIProvider> {
    return this.transport.json(c.aiProviderSchema, 'POST', '/api/v2/ai/providers', { json: req, signal })
  }

  updateAIProvider(name: string, req: UpdateAIProviderRequest, signal?: AbortSignal): Promise<c.AIProvider> {
    return this.transport.json(c.aiProviderSchema, 'PATCH', `/api/v2/ai/providers/${seg(name)}`, {
      json: req,
      signal,
    })
  }
}

/**
 * Bare arrays pass through; `data` envelopes unwrap; `ping` is dropped; an `error` envelope becomes the
 * stream's last event, an `error` with its Response's "message: detail", and ends the stream, as
 * codersdk/chats.go StreamChat does (formatChatStreamResponseError).
 */
export function decodeChatFrame(
  frame: z.infer<typeof c.chatStreamFrameSchema>,
): c.ChatStreamEvent[] | LastFrames<c.ChatStreamEvent> {
  if (Array.isArray(frame)) return frame
  if (frame.type === 'ping') return []
  if (frame.type === 'error')
    return { frames: [{ type: 'error', error: { message: errorText(frame.data) } }], end: true }
  return z.array(c.chatStreamEventSchema).parse(frame.data ?? [])
}

function errorText(data: unknown): string {
  if (typeof data === 'string') return data.trim() || 'chat stream returned an error'
  const { message = '', detail = '' } = (data ?? {}) as { message?: string; detail?: string }
  const parts = [message.trim(), detail.trim()].filter((p) => p !== '')
  return parts.length > 0 ? parts.join(': ') : 'chat stream returned an error'
}
