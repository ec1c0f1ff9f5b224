import { randomUUID } from 'node:crypto'

import type { WebSocket } from 'ws'
import { z } from 'zod'

import { ApiError, badRequest, notFound } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendEmpty, sendJson } from '../http/respond.ts'
import type { Ctx, SimRoute } from '../sim.ts'
import { isUuid, now } from '../state.ts'
import { ProviderCache } from './provider-cache.ts'
import { type ChatEvent, type ChatRecord, ChatStore, chatJson, providerJson } from './store.ts'
import { ChatWorker } from './worker.ts'

export interface ChatOptions {
  /** Provider cache TTL per replica (Coder: 10 s). */
  providerCacheTtlMs: number
  /** Simulated coderd replicas, each with its own provider cache. */
  replicas: number
  /** Stream framing: `array` (newer, a bare array per message) or `envelope` (older `{type, data}`). */
  streamFraming: 'array' | 'envelope'
  maxAttempts: number
  retryBaseMs: number
  requestTimeoutMs: number
  /** Extra headers on every provider call (simulator-only: lets a test send the LLM mock's fault header). */
  providerHeaders: Record<string, string>
}

export const DEFAULT_CHAT_OPTIONS: ChatOptions = {
  providerCacheTtlMs: 10_000,
  replicas: 1,
  streamFraming: 'array',
  maxAttempts: 3,
  retryBaseMs: 100,
  requestTimeoutMs: 30_000,
  providerHeaders: {},
}

const inputPart = z.strictObject({
  type: z.enum(['text', 'file', 'file-reference']),
  text: z.string().optional(),
  file_id: z.string().optional(),
  file_name: z.string().optional(),
  start_line: z.number().optional(),
  end_line: z.number().optional(),
  content: z.string().optional(),
})
const createChat = z.object({
  content: z.array(inputPart).min(1, 'content is required'),
  workspace_id: z.string().optional(),
  model_config_id: z.string().optional(),
  organization_id: z.string().optional(),
  mcp_server_ids: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
})
const createMessage = z.object({
  content: z.array(inputPart).min(1, 'content is required'),
  model_config_id: z.string().optional(),
  mcp_server_ids: z.array(z.string()).optional(),
})
const patchChat = z.object({
  title: z.string().optional(),
  archived: z.boolean().optional(),
  pin_order: z.number().int().optional(),
  labels: z.record(z.string(), z.string()).optional(),
})
// codersdk/aiproviders.go: AIProviderNameRegex and the Validate() details.
const providerName = /^[a-z0-9]+(-[a-z0-9]+)*$/
const baseUrl = z.url({
  protocol: /^https?$/,
  error: 'base_url must be an absolute URL (e.g. https://api.example.com/)',
})
const apiKey = z
  .string()
  .min(1, 'api_keys entries must not be empty')
  .refine((k) => k.trim() === k, 'api_keys entries must not contain leading or trailing whitespace')
const createProvider = z.object({
  type: z.enum([
    'openai',
    'anthropic',
    'azure',
    'google',
    'openai-compat',
    'openrouter',
    'vercel',
    'bedrock',
    'copilot',
  ]),
  name: z
    .string()
    .regex(
      providerName,
      `name must match ${providerName.source} (lowercase alphanumeric, hyphens between words)`,
    ),
  display_name: z.string().default(''),
  icon: z.string().default(''),
  enabled: z.boolean().default(true),
  base_url: baseUrl,
  api_keys: z.array(apiKey).default([]),
  // AIProviderSettings: JSON null for providers without type-specific settings.
  settings: z.record(z.string(), z.unknown()).nullable().default(null),
})
const patchProvider = z.object({
  display_name: z.string().optional(),
  enabled: z.boolean().optional(),
  base_url: baseUrl.optional(),
  api_keys: z
    .array(z.union([z.strictObject({ api_key: z.string() }), z.strictObject({ id: z.string() })]))
    .optional(),
})
const legacyProvider = z.object({
  provider: z.string().min(1),
  display_name: z.string().default(''),
  api_key: z.string().default(''),
  base_url: z.url({ protocol: /^https?$/ }),
  enabled: z.boolean().default(true),
})
const createModelConfig = z.object({
  provider: z.string().min(1),
  ai_provider_id: z.string().optional(),
  model: z.string().min(1),
  display_name: z.string().default(''),
  enabled: z.boolean().default(true),
  is_default: z.boolean().default(false),
  context_limit: z.number().int().min(1).default(4096),
})

const patchModelConfig = z.strictObject({
  model: z.string().min(1).optional(),
  display_name: z.string().optional(),
  enabled: z.boolean().optional(),
  is_default: z.boolean().optional(),
  context_limit: z.number().int().min(1).optional(),
})

/** The chats API (Coder Agents) with its worker and per-replica provider caches. */
export class Chats {
  readonly store = new ChatStore()
  readonly options: ChatOptions
  #worker: ChatWorker
  #sockets = new Set<WebSocket>()

  constructor(options: Partial<ChatOptions> = {}) {
    this.options = { ...DEFAULT_CHAT_OPTIONS, ...options }
    this.#worker = new ChatWorker(
      this.store,
      new ProviderCache(this.options.replicas, this.options.providerCacheTtlMs),
      {
        maxAttempts: this.options.maxAttempts,
        retryBaseMs: this.options.retryBaseMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        maxSteps: 16,
        providerHeaders: this.options.providerHeaders,
      },
    )
  }

  close(): void {
    this.#worker.close()
    for (const chat of this.store.chats.values()) chat.abort?.abort()
    for (const socket of this.#sockets) socket.terminate()
  }

  #find(ctx: Ctx): ChatRecord {
    const id = ctx.params.id!
    const chat = isUuid(id) ? this.store.chats.get(id.toLowerCase()) : undefined
    if (!chat || (chat.owner_id !== ctx.user.id && !ctx.user.siteRoles.includes('owner'))) throw notFound()
    return chat
  }

  routes(): SimRoute[] {
    const routes: SimRoute[] = []
    for (const prefix of ['/api/experimental', '/api/v2']) {
      routes.push(
        // coderd/exp_chats.go postChats
        { method: 'POST', pattern: `${prefix}/chats`, handler: (ctx) => this.#create(ctx) },
        // coderd/exp_chats.go listChats
        { method: 'GET', pattern: `${prefix}/chats`, handler: (ctx) => this.#list(ctx) },
        // coderd/exp_chats.go getChat
        {
          method: 'GET',
          pattern: `${prefix}/chats/:id`,
          handler: (ctx) => sendJson(ctx.res, 200, chatJson(this.#find(ctx))),
        },
        // coderd/exp_chats.go patchChat (archive = {"archived":true} → 204)
        { method: 'PATCH', pattern: `${prefix}/chats/:id`, handler: (ctx) => this.#patch(ctx) },
        // coderd/exp_chats.go postChatMessages
        { method: 'POST', pattern: `${prefix}/chats/:id/messages`, handler: (ctx) => this.#message(ctx) },
        // coderd/exp_chats.go interruptChat
        { method: 'POST', pattern: `${prefix}/chats/:id/interrupt`, handler: (ctx) => this.#interrupt(ctx) },
        // coderd/exp_chats.go listChatModelConfigs / createChatModelConfig
        {
          method: 'GET',
          pattern: `${prefix}/chats/model-configs`,
          handler: (ctx) => sendJson(ctx.res, 200, [...this.store.modelConfigs.values()]),
        },
        {
          method: 'POST',
          pattern: `${prefix}/chats/model-configs`,
          handler: (ctx) => this.#createModel(ctx),
        },
        // codersdk/chats.go UpdateChatModelConfig (200) / DeleteChatModelConfig (204)
        {
          method: 'PATCH',
          pattern: `${prefix}/chats/model-configs/:id`,
          handler: (ctx) => this.#patchModel(ctx),
        },
        {
          method: 'DELETE',
          pattern: `${prefix}/chats/model-configs/:id`,
          handler: (ctx) => {
            this.store.modelConfigs.delete(this.#model(ctx).id)
            sendEmpty(ctx.res, 204)
          },
        },
      )
    }
    routes.push(
      // coderd/exp_chats.go (older) listChatProviders / createChatProvider
      {
        method: 'GET',
        pattern: '/api/experimental/chats/providers',
        handler: (ctx) => sendJson(ctx.res, 200, [...this.store.providers.values()].map(legacyJson)),
      },
      {
        method: 'POST',
        pattern: '/api/experimental/chats/providers',
        handler: (ctx) => this.#createLegacyProvider(ctx),
      },
      // coderd/aiproviders.go listAIProviders / postAIProvider / getAIProvider / patchAIProvider
      {
        method: 'GET',
        pattern: '/api/v2/ai/providers',
        handler: (ctx) => sendJson(ctx.res, 200, [...this.store.providers.values()].map(providerJson)),
      },
      { method: 'POST', pattern: '/api/v2/ai/providers', handler: (ctx) => this.#createProvider(ctx) },
      {
        method: 'GET',
        pattern: '/api/v2/ai/providers/:name',
        handler: (ctx) => sendJson(ctx.res, 200, providerJson(this.#provider(ctx))),
      },
      { method: 'PATCH', pattern: '/api/v2/ai/providers/:name', handler: (ctx) => this.#patchProvider(ctx) },
    )
    return routes
  }

  #provider(ctx: Ctx) {
    const provider = this.store.providerByName(ctx.params.name!)
    if (!provider) throw notFound()
    return provider
  }

  async #create(ctx: Ctx): Promise<void> {
    const body = await readJson(ctx.req, createChat)
    if (body.workspace_id !== undefined) {
      const ws = isUuid(body.workspace_id)
        ? ctx.sim.state.workspaces.get(body.workspace_id.toLowerCase())
        : undefined
      if (!ws || ws.deleted)
        throw badRequest('Workspace not found.', [
          { field: 'workspace_id', detail: 'workspace does not exist' },
        ])
    }
    const modelId =
      body.model_config_id ?? [...this.store.modelConfigs.values()].find((m) => m.is_default)?.id
    if (!modelId || !this.store.modelConfigs.has(modelId))
      throw badRequest('Invalid model config.', [
        { field: 'model_config_id', detail: 'model config does not exist' },
      ])
    const at = now()
    const chat: ChatRecord = {
      id: randomUUID(),
      owner_id: ctx.user.id,
      organization_id: body.organization_id ?? ctx.sim.state.defaultOrganization.id,
      ...(body.workspace_id && { workspace_id: body.workspace_id.toLowerCase() }),
      last_model_config_id: modelId,
      title: (body.content[0]?.text ?? 'New chat').slice(0, 64),
      status: 'pending',
      last_error: null,
      created_at: at,
      updated_at: at,
      archived: false,
      pin_order: 0,
      mcp_server_ids: body.mcp_server_ids ?? [],
      labels: body.labels ?? {},
      messages: [],
      queue: [body.content],
      listeners: new Set(),
    }
    this.store.chats.set(chat.id, chat)
    sendJson(ctx.res, 201, chatJson(chat))
    this.#worker.kick(chat)
  }

  #list(ctx: Ctx): void {
    const limit = Number(ctx.url.searchParams.get('limit') ?? 0)
    const offset = Number(ctx.url.searchParams.get('offset') ?? 0)
    if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(offset) || offset < 0)
      throw badRequest('Query parameters have invalid values.', [
        { field: 'limit', detail: 'must be a non-negative integer' },
      ])
    const archived = (ctx.url.searchParams.get('q') ?? '').includes('archived:true')
    const all = [...this.store.chats.values()]
      .filter((c) => c.owner_id === ctx.user.id && c.archived === archived)
      .reverse()
    sendJson(ctx.res, 200, (limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset)).map(chatJson))
  }

  async #patch(ctx: Ctx): Promise<void> {
    const chat = this.#find(ctx)
    const body = await readJson(ctx.req, patchChat)
    if (body.title !== undefined) chat.title = body.title
    if (body.pin_order !== undefined) chat.pin_order = body.pin_order
    if (body.labels !== undefined) chat.labels = body.labels
    if (body.archived !== undefined) {
      chat.archived = body.archived
      if (body.archived) {
        chat.abort?.abort()
        chat.queue.length = 0
      }
    }
    chat.updated_at = now()
    sendEmpty(ctx.res, 204)
  }

  async #message(ctx: Ctx): Promise<void> {
    const chat = this.#find(ctx)
    // coderd/exp_chats.go postChatMessages: owner only (403), archived chats refuse (400).
    if (chat.owner_id !== ctx.user.id) throw new ApiError(403, 'Only the chat owner may send messages.')
    const body = await readJson(ctx.req, createMessage)
    if (chat.archived) throw new ApiError(400, 'Cannot mutate an archived chat.')
    if (body.model_config_id) {
      if (!this.store.modelConfigs.has(body.model_config_id))
        throw badRequest('Invalid model config.', [
          { field: 'model_config_id', detail: 'model config does not exist' },
        ])
      chat.last_model_config_id = body.model_config_id
    }
    if (chat.status === 'error') chat.last_error = null
    chat.queue.push(body.content)
    this.store.emit(chat, [{ type: 'queue_update', chat_id: chat.id }])
    sendJson(ctx.res, 200, { queued: true })
    this.#worker.kick(chat)
  }

  /** coderd/exp_chats.go interruptChat: cancel the run, drop the queue, `waiting`, `last_error` cleared; 200 + chat. */
  #interrupt(ctx: Ctx): void {
    const chat = this.#find(ctx)
    chat.abort?.abort()
    chat.abort = undefined
    chat.queue.length = 0
    chat.last_error = null
    this.store.setStatus(chat, 'waiting')
    sendJson(ctx.res, 200, chatJson(chat))
  }

  async #createModel(ctx: Ctx): Promise<void> {
    const body = await readJson(ctx.req, createModelConfig)
    if (body.ai_provider_id !== undefined && !this.store.providers.has(body.ai_provider_id))
      throw badRequest('Invalid AI provider.', [
        { field: 'ai_provider_id', detail: 'provider does not exist' },
      ])
    const at = now()
    const record = { id: randomUUID(), created_at: at, updated_at: at, ...body }
    this.store.modelConfigs.set(record.id, record)
    sendJson(ctx.res, 201, record)
  }

  #model(ctx: Ctx) {
    const id = ctx.params.id!
    const model = isUuid(id) ? this.store.modelConfigs.get(id.toLowerCase()) : undefined
    if (!model) throw notFound()
    return model
  }

  async #patchModel(ctx: Ctx): Promise<void> {
    const model = this.#model(ctx)
    const body = await readJson(ctx.req, patchModelConfig)
    Object.assign(model, body, { updated_at: now() })
    sendJson(ctx.res, 200, model)
  }

  async #createProvider(ctx: Ctx): Promise<void> {
    const body = await readJson(ctx.req, createProvider)
    if (this.store.providerByName(body.name))
      throw new ApiError(409, `AI provider "${body.name}" already exists.`)
    const at = now()
    const record = this.store.newProvider({
      ...body,
      api_keys: body.api_keys.map((key) => ({ id: randomUUID(), key, created_at: at })),
    })
    sendJson(ctx.res, 201, providerJson(record))
  }

  async #patchProvider(ctx: Ctx): Promise<void> {
    const provider = this.#provider(ctx)
    const body = await readJson(ctx.req, patchProvider)
    if (body.display_name !== undefined) provider.display_name = body.display_name
    if (body.enabled !== undefined) provider.enabled = body.enabled
    if (body.base_url !== undefined) provider.base_url = body.base_url
    if (body.api_keys !== undefined) {
      const at = now()
      provider.api_keys = body.api_keys.flatMap((k) => {
        if ('api_key' in k) return [{ id: randomUUID(), key: k.api_key, created_at: at }]
        const kept = provider.api_keys.find((old) => old.id === k.id)
        if (!kept)
          throw badRequest('Unknown API key.', [{ field: 'api_keys', detail: `key ${k.id} does not exist` }])
        return [kept]
      })
    }
    provider.updated_at = now()
    sendJson(ctx.res, 200, providerJson(provider))
  }

  async #createLegacyProvider(ctx: Ctx): Promise<void> {
    const body = await readJson(ctx.req, legacyProvider)
    if ([...this.store.providers.values()].some((p) => p.type === body.provider))
      throw new ApiError(409, 'Chat provider already exists.')
    const at = now()
    const record = this.store.newProvider({
      type: body.provider,
      name: body.provider,
      display_name: body.display_name,
      icon: '',
      enabled: body.enabled,
      base_url: body.base_url,
      api_keys: body.api_key ? [{ id: randomUUID(), key: body.api_key, created_at: at }] : [],
      settings: null,
    })
    sendJson(ctx.res, 201, legacyJson(record))
  }

  /**
   * coderd/exp_chats.go streamChat: history after `after_id`, then live events. Newer coderd writes a bare
   * array per message (HeartbeatClose pings); older revisions wrap it as `{type:"data",data:[…]}` with
   * `{type:"ping"}` events (httpapi.OneWayWebSocketEventSender).
   */
  async stream(ctx: Ctx & { accept: () => Promise<WebSocket> }): Promise<void> {
    const chat = this.#find(ctx)
    const rawAfter = ctx.url.searchParams.get('after_id') ?? ''
    const after = rawAfter === '' ? 0 : Number(rawAfter)
    // strconv.ParseInt(v, 10, 64): any integer; anything else is 400 "Invalid after_id parameter."
    if (!/^[+-]?\d+$/.test(rawAfter || '0') || !Number.isSafeInteger(after))
      throw new ApiError(400, 'Invalid after_id parameter.', {
        detail: `strconv.ParseInt: parsing ${JSON.stringify(rawAfter)}: invalid syntax`,
      })
    const socket = await ctx.accept()
    this.#sockets.add(socket)
    const envelope = this.options.streamFraming === 'envelope'
    const send = (events: ChatEvent[]) => {
      if (socket.readyState !== socket.OPEN) return
      socket.send(JSON.stringify(envelope ? { type: 'data', data: events } : events))
    }
    const snapshot: ChatEvent[] = chat.messages
      .filter((m) => m.id > after)
      .map((message) => ({ type: 'message', chat_id: chat.id, message }))
    snapshot.push({ type: 'status', chat_id: chat.id, status: { status: chat.status } })
    send(snapshot)
    chat.listeners.add(send)
    const ping = envelope
      ? setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), 5_000)
      : undefined
    ping?.unref()
    socket.on('close', () => {
      chat.listeners.delete(send)
      this.#sockets.delete(socket)
      if (ping) clearInterval(ping)
    })
  }
}

function legacyJson(p: ReturnType<ChatStore['newProvider']>): Record<string, unknown> {
  return {
    id: p.id,
    provider: p.type,
    display_name: p.display_name,
    enabled: p.enabled,
    has_api_key: p.api_keys.length > 0,
    base_url: p.base_url,
    created_at: p.created_at,
    updated_at: p.updated_at,
  }
}
