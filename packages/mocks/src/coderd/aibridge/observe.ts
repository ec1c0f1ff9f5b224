// Reads what an interception records (response id, token usage, tool calls) from the upstream's
// answer as it passes through: a JSON body at its end, or SSE events one by one.

export type BridgeApi = 'chat_completions' | 'responses' | 'messages'

export interface Observed {
  responseId: string
  model: string | undefined
  inputTokens: number
  outputTokens: number
  /** Whether the answer reported usage at all. */
  sawUsage: boolean
  toolCalls: { tool: string; input: string }[]
}

// biome-ignore lint/suspicious/noExplicitAny: provider payloads are read defensively, field by field
type Any = any

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

/** Collects one answer's facts; feed it raw bytes (`stream`) or call `json` once with the whole body. */
export class AnswerObserver {
  readonly result: Observed = {
    responseId: '',
    model: undefined,
    inputTokens: 0,
    outputTokens: 0,
    sawUsage: false,
    toolCalls: [],
  }
  readonly #api: BridgeApi
  #buffer = ''
  #decoder = new TextDecoder()
  #event = ''
  #data: string[] = []
  // Streamed tool calls are assembled from deltas: chat by index, messages by content block.
  #partial = new Map<number, { tool: string; input: string }>()

  constructor(api: BridgeApi) {
    this.#api = api
  }

  /** Whole JSON body (non-streamed answers). Bad JSON records nothing. */
  json(text: string): void {
    let body: Any
    try {
      body = JSON.parse(text)
    } catch {
      return
    }
    this.#answer(body)
  }

  /** A chunk of an SSE body. */
  stream(chunk: Uint8Array): void {
    this.#buffer += this.#decoder.decode(chunk, { stream: true })
    let newline = this.#buffer.indexOf('\n')
    while (newline !== -1) {
      const line = this.#buffer.slice(0, newline).replace(/\r$/, '')
      this.#buffer = this.#buffer.slice(newline + 1)
      this.#line(line)
      newline = this.#buffer.indexOf('\n')
    }
  }

  /** The end of a streamed body: a last event without its blank line still counts. */
  end(): void {
    if (this.#buffer !== '') this.#line(this.#buffer)
    this.#buffer = ''
    this.#line('')
    for (const call of this.#partial.values()) this.result.toolCalls.push(call)
    this.#partial.clear()
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length > 0) this.#dispatch(this.#event, this.#data.join('\n'))
      this.#event = ''
      this.#data = []
    } else if (line.startsWith('event:')) this.#event = line.slice(6).trim()
    else if (line.startsWith('data:')) this.#data.push(line.slice(5).replace(/^ /, ''))
  }

  #dispatch(event: string, data: string): void {
    if (data === '[DONE]') return
    let payload: Any
    try {
      payload = JSON.parse(data)
    } catch {
      return
    }
    const type = event || payload?.type
    if (this.#api === 'chat_completions') this.#chatChunk(payload)
    else if (this.#api === 'responses') {
      if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed')
        this.#answer(payload.response)
      else if (type === 'response.created' && payload.response?.id)
        this.result.responseId = payload.response.id
    } else this.#messagesEvent(type, payload)
  }

  #chatChunk(chunk: Any): void {
    if (chunk?.id) this.result.responseId = chunk.id
    if (chunk?.model) this.result.model = chunk.model
    if (chunk?.usage) this.#usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
    for (const choice of Array.isArray(chunk?.choices) ? chunk.choices : [])
      for (const delta of Array.isArray(choice?.delta?.tool_calls) ? choice.delta.tool_calls : []) {
        const index = num(delta.index)
        const call = this.#partial.get(index) ?? { tool: '', input: '' }
        if (delta.function?.name) call.tool += delta.function.name
        if (delta.function?.arguments) call.input += delta.function.arguments
        this.#partial.set(index, call)
      }
  }

  #messagesEvent(type: string, event: Any): void {
    if (type === 'message_start') {
      this.result.responseId = event.message?.id ?? ''
      this.result.model = event.message?.model
      if (event.message?.usage)
        this.#usage(event.message.usage.input_tokens, event.message.usage.output_tokens)
    } else if (type === 'message_delta' && event.usage) {
      this.result.sawUsage = true
      this.result.outputTokens = num(event.usage.output_tokens)
      if (event.usage.input_tokens !== undefined) this.result.inputTokens = num(event.usage.input_tokens)
    } else if (type === 'content_block_start' && event.content_block?.type === 'tool_use')
      this.#partial.set(num(event.index), { tool: String(event.content_block.name ?? ''), input: '' })
    else if (type === 'content_block_delta' && event.delta?.type === 'input_json_delta') {
      const call = this.#partial.get(num(event.index))
      if (call) call.input += String(event.delta.partial_json ?? '')
    }
  }

  /** A whole answer object of any of the three APIs. */
  #answer(body: Any): void {
    if (!body || typeof body !== 'object') return
    if (body.id) this.result.responseId = body.id
    if (body.model) this.result.model = body.model
    const usage = body.usage
    if (usage)
      this.#usage(usage.prompt_tokens ?? usage.input_tokens, usage.completion_tokens ?? usage.output_tokens)
    if (this.#api === 'chat_completions')
      for (const choice of Array.isArray(body.choices) ? body.choices : [])
        for (const call of Array.isArray(choice?.message?.tool_calls) ? choice.message.tool_calls : [])
          this.result.toolCalls.push({
            tool: String(call.function?.name ?? ''),
            input: String(call.function?.arguments ?? ''),
          })
    else if (this.#api === 'responses')
      for (const item of Array.isArray(body.output) ? body.output : []) {
        if (item?.type === 'function_call')
          this.result.toolCalls.push({ tool: String(item.name ?? ''), input: String(item.arguments ?? '') })
      }
    else
      for (const block of Array.isArray(body.content) ? body.content : [])
        if (block?.type === 'tool_use')
          this.result.toolCalls.push({
            tool: String(block.name ?? ''),
            input: JSON.stringify(block.input ?? {}),
          })
  }

  #usage(input: unknown, output: unknown): void {
    this.result.sawUsage = true
    this.result.inputTokens = num(input)
    this.result.outputTokens = num(output)
  }
}

/** The last user message's text, which Coder records as the interception's user prompt. */
export function lastUserPrompt(api: BridgeApi, body: Any): string | undefined {
  const text = (content: Any): string | undefined => {
    if (typeof content === 'string') return content
    if (Array.isArray(content))
      return content
        .filter((p: Any) => typeof p?.text === 'string')
        .map((p: Any) => p.text)
        .join('\n')
    return undefined
  }
  if (api === 'responses') {
    if (typeof body.input === 'string') return body.input
    const items = Array.isArray(body.input) ? body.input : []
    for (let i = items.length - 1; i >= 0; i--) if (items[i]?.role === 'user') return text(items[i].content)
    return undefined
  }
  const messages = Array.isArray(body.messages) ? body.messages : []
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]?.role === 'user') return text(messages[i].content)
  return undefined
}
