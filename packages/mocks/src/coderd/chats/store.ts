import { randomUUID } from 'node:crypto'

import { now } from '../state.ts'

export type ChatStatus = 'waiting' | 'pending' | 'running' | 'paused' | 'completed' | 'error'

export interface ChatPart {
  type: string
  text?: string
  tool_call_id?: string
  tool_name?: string
  args?: unknown
  result?: unknown
}

export interface ChatMessage {
  id: number
  chat_id: string
  created_by?: string
  model_config_id?: string
  created_at: string
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: ChatPart[]
}

export interface ChatRecord {
  id: string
  owner_id: string
  organization_id: string
  workspace_id?: string
  last_model_config_id: string
  title: string
  status: ChatStatus
  last_error: string | null
  created_at: string
  updated_at: string
  archived: boolean
  pin_order: number
  mcp_server_ids: string[]
  labels: Record<string, string>
  messages: ChatMessage[]
  queue: ChatPart[][]
  listeners: Set<(events: ChatEvent[]) => void>
  abort?: AbortController
}

export interface ChatEvent {
  type: 'message_part' | 'message' | 'status' | 'error' | 'queue_update' | 'retry'
  chat_id: string
  message?: ChatMessage
  message_part?: { role?: string; part: ChatPart }
  status?: { status: ChatStatus }
  error?: { message: string; kind?: string; provider?: string; retryable: boolean; status_code?: number }
  retry?: { attempt: number; delay_ms: number; error: string; status_code?: number; retrying_at: string }
}

export interface ProviderRecord {
  id: string
  type: string
  name: string
  display_name: string
  icon: string
  enabled: boolean
  base_url: string
  api_keys: { id: string; key: string; created_at: string }[]
  settings: Record<string, unknown> | null
  created_at: string
  updated_at: string
}

export interface ModelConfigRecord {
  id: string
  provider: string
  ai_provider_id?: string
  model: string
  display_name: string
  enabled: boolean
  is_default: boolean
  context_limit: number
  created_at: string
  updated_at: string
}

/** Chats, providers and model configs of one deployment. */
export class ChatStore {
  readonly chats = new Map<string, ChatRecord>()
  readonly providers = new Map<string, ProviderRecord>()
  readonly modelConfigs = new Map<string, ModelConfigRecord>()
  #nextMessageId = 1

  addMessage(chat: ChatRecord, role: ChatMessage['role'], content: ChatPart[], by?: string): ChatMessage {
    const message: ChatMessage = {
      id: this.#nextMessageId++,
      chat_id: chat.id,
      ...(by && { created_by: by }),
      model_config_id: chat.last_model_config_id,
      created_at: now(),
      role,
      content,
    }
    chat.messages.push(message)
    chat.updated_at = message.created_at
    return message
  }

  emit(chat: ChatRecord, events: ChatEvent[]): void {
    for (const listener of [...chat.listeners]) listener(events)
  }

  setStatus(chat: ChatRecord, status: ChatStatus): void {
    chat.status = status
    chat.updated_at = now()
    this.emit(chat, [{ type: 'status', chat_id: chat.id, status: { status } }])
  }

  newProvider(fields: Omit<ProviderRecord, 'id' | 'created_at' | 'updated_at'>): ProviderRecord {
    const at = now()
    const record = { id: randomUUID(), created_at: at, updated_at: at, ...fields }
    this.providers.set(record.id, record)
    return record
  }

  providerByName(name: string): ProviderRecord | undefined {
    for (const p of this.providers.values()) if (p.name === name || p.id === name) return p
    return undefined
  }
}

export function chatJson(chat: ChatRecord): Record<string, unknown> {
  const { messages: _m, queue: _q, listeners: _l, abort: _a, ...rest } = chat
  // codersdk/chats.go Chat: has_unread is the owner's read cursor; the simulator has none.
  return { ...rest, has_unread: false }
}

export function providerJson(p: ProviderRecord): Record<string, unknown> {
  return {
    ...p,
    api_keys: p.api_keys.map((k) => ({
      id: k.id,
      masked: `${k.key.slice(0, 2)}****`,
      created_at: k.created_at,
    })),
  }
}
