import { setTimeout as sleep } from 'node:timers/promises'

import type { ProviderCache } from './provider-cache.ts'
import type { ChatPart, ChatRecord, ChatStore } from './store.ts'

export interface WorkerOptions {
  /** Provider attempts per LLM call before the chat goes to `error`. */
  maxAttempts: number
  /** First retry backoff; doubles per attempt. */
  retryBaseMs: number
  /** Per-attempt timeout for the provider call. */
  requestTimeoutMs: number
  /** LLM rounds (tool call loops) per turn. */
  maxSteps: number
  /** Extra headers on every provider call (simulator-only, e.g. the LLM mock's `x-scaletest-fault`). */
  providerHeaders: Record<string, string>
}

class ProviderError extends Error {
  readonly statusCode: number | undefined
  constructor(message: string, statusCode?: number) {
    super(message)
    this.statusCode = statusCode
  }
}

const EXECUTE_TOOL = {
  type: 'function',
  function: {
    name: 'execute',
    description: 'Run a shell command in the workspace.',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
}

interface ToolCall {
  id: string
  name: string
  args: string
}

/** Runs queued messages of one chat, as coderd/x/chatd does: running → LLM stream → message → tools → waiting. */
export class ChatWorker {
  #store: ChatStore
  #cache: ProviderCache
  #options: WorkerOptions
  #closed = new AbortController()

  constructor(store: ChatStore, cache: ProviderCache, options: WorkerOptions) {
    this.#store = store
    this.#cache = cache
    this.#options = options
  }

  /** Starts the chat's loop unless it is already running. */
  kick(chat: ChatRecord): void {
    if (chat.abort || chat.queue.length === 0 || this.#closed.signal.aborted) return
    const abort = new AbortController()
    chat.abort = abort
    void this.#loop(chat, abort.signal).finally(() => {
      if (chat.abort === abort) chat.abort = undefined
      if (chat.queue.length > 0 && chat.status !== 'error') this.kick(chat)
    })
  }

  close(): void {
    this.#closed.abort()
  }

  async #loop(chat: ChatRecord, signal: AbortSignal): Promise<void> {
    while (chat.queue.length > 0 && !signal.aborted) {
      const content = chat.queue.shift()!
      const message = this.#store.addMessage(chat, 'user', content, chat.owner_id)
      this.#store.emit(chat, [
        { type: 'queue_update', chat_id: chat.id },
        { type: 'message', chat_id: chat.id, message },
      ])
      this.#store.setStatus(chat, 'running')
      try {
        await this.#turn(chat, signal)
        if (signal.aborted) return
        this.#store.setStatus(chat, 'waiting')
      } catch (error) {
        if (signal.aborted) return
        const e = error as ProviderError
        chat.last_error = e.message
        this.#store.emit(chat, [
          {
            type: 'error',
            chat_id: chat.id,
            error: {
              message: e.message,
              kind: 'provider',
              provider: 'openai-compat',
              retryable: false,
              ...(e.statusCode !== undefined && { status_code: e.statusCode }),
            },
          },
        ])
        this.#store.setStatus(chat, 'error')
        chat.queue.length = 0
        return
      }
    }
  }

  async #turn(chat: ChatRecord, signal: AbortSignal): Promise<void> {
    for (let step = 0; step < this.#options.maxSteps; step++) {
      const { text, toolCalls } = await this.#callWithRetry(chat, signal)
      if (signal.aborted) return
      const parts: ChatPart[] = []
      if (text) parts.push({ type: 'text', text })
      for (const call of toolCalls)
        parts.push({
          type: 'tool-call',
          tool_call_id: call.id,
          tool_name: call.name,
          args: safeJson(call.args),
        })
      const assistant = this.#store.addMessage(chat, 'assistant', parts)
      this.#store.emit(chat, [{ type: 'message', chat_id: chat.id, message: assistant }])
      if (toolCalls.length === 0) return
      const results: ChatPart[] = toolCalls.map((call) => {
        const args = safeJson(call.args) as { command?: string }
        const output = simulateCommand(chat, String(args?.command ?? ''))
        return {
          type: 'tool-result',
          tool_call_id: call.id,
          tool_name: call.name,
          result: { output, exit_code: 0 },
        }
      })
      for (const part of results)
        this.#store.emit(chat, [
          { type: 'message_part', chat_id: chat.id, message_part: { role: 'tool', part } },
        ])
      const tool = this.#store.addMessage(chat, 'tool', results)
      this.#store.emit(chat, [{ type: 'message', chat_id: chat.id, message: tool }])
    }
  }

  async #callWithRetry(
    chat: ChatRecord,
    signal: AbortSignal,
  ): Promise<{ text: string; toolCalls: ToolCall[] }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#call(chat, signal)
      } catch (error) {
        if (signal.aborted) throw error
        const e = error instanceof ProviderError ? error : new ProviderError((error as Error).message)
        const retryable = e.statusCode === undefined || e.statusCode === 429 || e.statusCode >= 500
        if (!retryable || attempt >= this.#options.maxAttempts) throw e
        const delay = this.#options.retryBaseMs * 2 ** (attempt - 1)
        this.#store.emit(chat, [
          {
            type: 'retry',
            chat_id: chat.id,
            retry: {
              attempt,
              delay_ms: delay,
              error: e.message,
              ...(e.statusCode !== undefined && { status_code: e.statusCode }),
              retrying_at: new Date(Date.now() + delay).toISOString(),
            },
          },
        ])
        await sleep(delay, undefined, { signal: AbortSignal.any([signal, this.#closed.signal]) })
      }
    }
  }

  async #call(chat: ChatRecord, signal: AbortSignal): Promise<{ text: string; toolCalls: ToolCall[] }> {
    const model = this.#store.modelConfigs.get(chat.last_model_config_id)
    if (!model) throw new ProviderError('model config not found', 400)
    const providerId =
      model.ai_provider_id ?? [...this.#store.providers.values()].find((p) => p.type === model.provider)?.id
    const provider = providerId ? this.#cache.lookup(providerId, this.#store.providers) : undefined
    if (!provider?.enabled) throw new ProviderError('provider not configured', 400)
    const base = provider.base_url.replace(/\/+$/, '')
    const response = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: {
        ...this.#options.providerHeaders,
        'content-type': 'application/json',
        authorization: `Bearer ${provider.api_keys[0]?.key ?? ''}`,
      },
      body: JSON.stringify({
        model: model.model,
        stream: true,
        messages: toOpenAi(chat),
        tools: [EXECUTE_TOOL],
      }),
      signal: AbortSignal.any([
        signal,
        this.#closed.signal,
        AbortSignal.timeout(this.#options.requestTimeoutMs),
      ]),
    }).catch((error: Error) => {
      throw new ProviderError(`provider unreachable: ${(error.cause as Error)?.message ?? error.message}`)
    })
    if (!response.ok || !response.body) {
      const body = await response.text().catch(() => '')
      throw new ProviderError(`provider returned ${response.status}: ${body.slice(0, 200)}`, response.status)
    }
    let text = ''
    const calls = new Map<number, ToolCall>()
    let buffer = ''
    const decoder = new TextDecoder()
    let done = false
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let index = buffer.indexOf('\n')
        while (index >= 0) {
          const line = buffer.slice(0, index).trim()
          buffer = buffer.slice(index + 1)
          index = buffer.indexOf('\n')
          if (!line.startsWith('data:')) continue
          const data = line.slice(5).trim()
          if (data === '[DONE]') {
            done = true
            continue
          }
          const event = safeJson(data) as {
            choices?: {
              delta?: {
                content?: string
                tool_calls?: {
                  index: number
                  id?: string
                  function?: { name?: string; arguments?: string }
                }[]
              }
              finish_reason?: string | null
            }[]
            error?: { message?: string }
          }
          if (event?.error) throw new ProviderError(`provider stream error: ${event.error.message}`, 500)
          const choice = event?.choices?.[0]
          if (choice?.finish_reason) done = true
          const delta = choice?.delta
          if (delta?.content) {
            text += delta.content
            this.#store.emit(chat, [
              {
                type: 'message_part',
                chat_id: chat.id,
                message_part: { role: 'assistant', part: { type: 'text', text: delta.content } },
              },
            ])
          }
          for (const t of delta?.tool_calls ?? []) {
            const call = calls.get(t.index) ?? { id: '', name: '', args: '' }
            if (t.id) call.id = t.id
            if (t.function?.name) call.name = t.function.name
            if (t.function?.arguments) call.args += t.function.arguments
            calls.set(t.index, call)
          }
        }
      }
    } catch (error) {
      if (error instanceof ProviderError) throw error
      throw new ProviderError(`provider stream failed: ${(error as Error).message}`)
    }
    if (!done) throw new ProviderError('provider stream ended before completion')
    const toolCalls = [...calls.values()]
    for (const call of toolCalls)
      this.#store.emit(chat, [
        {
          type: 'message_part',
          chat_id: chat.id,
          message_part: {
            role: 'assistant',
            part: {
              type: 'tool-call',
              tool_call_id: call.id,
              tool_name: call.name,
              args: safeJson(call.args),
            },
          },
        },
      ])
    return { text, toolCalls }
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}

/** The simulated workspace: `echo` prints its arguments, anything else a fixed line. */
function simulateCommand(chat: ChatRecord, command: string): string {
  if (!chat.workspace_id) return 'error: this chat has no workspace'
  const echo = /^echo\s+(.*)$/.exec(command.trim())
  return echo ? `${echo[1]}\n` : `ran: ${command}\n`
}

function toOpenAi(chat: ChatRecord): unknown[] {
  const out: unknown[] = []
  for (const m of chat.messages) {
    const text = m.content
      .filter((p) => p.type === 'text')
      .map((p) => p.text ?? '')
      .join('')
    if (m.role === 'tool') {
      for (const p of m.content)
        if (p.type === 'tool-result')
          out.push({ role: 'tool', tool_call_id: p.tool_call_id, content: JSON.stringify(p.result) })
    } else if (m.role === 'assistant') {
      const calls = m.content.filter((p) => p.type === 'tool-call')
      out.push({
        role: 'assistant',
        content: text || null,
        ...(calls.length > 0 && {
          tool_calls: calls.map((p) => ({
            id: p.tool_call_id,
            type: 'function',
            function: { name: p.tool_name, arguments: JSON.stringify(p.args ?? {}) },
          })),
        }),
      })
    } else out.push({ role: m.role, content: text })
  }
  return out
}
