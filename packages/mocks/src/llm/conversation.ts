// What the mock needs to know about a request, read the same way for all three APIs: the last
// thing the user said, how many tool calls the assistant made since, and which tools it may call.
import type { ChatRequest, MessagesRequest, ResponsesRequest } from './schemas.ts'

export interface Conversation {
  /** Text of the last user turn (tool results do not count as a turn). */
  lastUserText: string
  /** Tool calls the assistant made after that user turn. */
  toolCallsThisTurn: number
  /** Names of the function tools the request offers, in order. */
  toolNames: string[]
  /** Characters of prompt text, for usage counts. */
  promptChars: number
}

type Part = { type: string; text?: unknown }

/** `tool_choice: "none"` (OpenAI) or `{ type: "none" }` (Anthropic) forbids tool calls. */
function toolsAllowed(body: object): boolean {
  const choice = (body as { tool_choice?: unknown }).tool_choice
  return (
    choice !== 'none' && !(typeof choice === 'object' && choice !== null && (choice as Part).type === 'none')
  )
}

function partsText(content: string | Part[] | null | undefined, types: readonly string[]): string {
  if (typeof content === 'string') return content
  if (!content) return ''
  let text = ''
  for (const part of content)
    if (types.includes(part.type) && typeof part.text === 'string') text += part.text
  return text
}

const CHAT_TEXT = ['text']
const RESPONSES_TEXT = ['input_text', 'text', 'output_text']

export function chatConversation(body: ChatRequest): Conversation {
  let lastUser = -1
  let promptChars = 0
  body.messages.forEach((m, i) => {
    promptChars += partsText(m.content as string | Part[] | null, CHAT_TEXT).length
    if (m.role === 'user') lastUser = i
  })
  let toolCallsThisTurn = 0
  for (let i = lastUser + 1; i < body.messages.length; i++) {
    const m = body.messages[i]!
    if (m.role === 'assistant') toolCallsThisTurn += m.tool_calls?.length ?? 0
  }
  const last = body.messages[lastUser]
  return {
    lastUserText: last ? partsText(last.content as string | Part[] | null, CHAT_TEXT) : '',
    toolCallsThisTurn,
    toolNames: toolsAllowed(body)
      ? (body.tools ?? []).flatMap((t) => (t.type === 'function' && t.function ? [t.function.name] : []))
      : [],
    promptChars,
  }
}

export function responsesConversation(body: ResponsesRequest): Conversation {
  const instructions = body.instructions?.length ?? 0
  const toolNames = toolsAllowed(body)
    ? (body.tools ?? []).flatMap((t) => (t.type === 'function' && t.name ? [t.name] : []))
    : []
  if (typeof body.input === 'string')
    return {
      lastUserText: body.input,
      toolCallsThisTurn: 0,
      toolNames,
      promptChars: instructions + body.input.length,
    }
  let lastUser = -1
  let promptChars = instructions
  body.input.forEach((item, i) => {
    promptChars += partsText(item.content as string | Part[] | undefined, RESPONSES_TEXT).length
    if ((item.type === undefined || item.type === 'message') && item.role === 'user') lastUser = i
  })
  let toolCallsThisTurn = 0
  for (let i = lastUser + 1; i < body.input.length; i++)
    if (body.input[i]!.type === 'function_call') toolCallsThisTurn++
  const last = body.input[lastUser]
  return {
    lastUserText: last ? partsText(last.content as string | Part[] | undefined, RESPONSES_TEXT) : '',
    toolCallsThisTurn,
    toolNames,
    promptChars,
  }
}

function isUserTurn(m: MessagesRequest['messages'][number]): boolean {
  if (m.role !== 'user') return false
  return typeof m.content === 'string' || m.content.some((block) => block.type !== 'tool_result')
}

export function messagesConversation(body: MessagesRequest): Conversation {
  let lastUser = -1
  let promptChars = partsText(body.system as string | Part[] | undefined, CHAT_TEXT).length
  body.messages.forEach((m, i) => {
    promptChars += partsText(m.content as string | Part[], CHAT_TEXT).length
    if (isUserTurn(m)) lastUser = i
  })
  let toolCallsThisTurn = 0
  for (let i = lastUser + 1; i < body.messages.length; i++) {
    const m = body.messages[i]!
    if (m.role === 'assistant' && typeof m.content !== 'string')
      toolCallsThisTurn += m.content.filter((block) => block.type === 'tool_use').length
  }
  const last = body.messages[lastUser]
  return {
    lastUserText: last ? partsText(last.content as string | Part[], CHAT_TEXT) : '',
    toolCallsThisTurn,
    toolNames: toolsAllowed(body)
      ? (body.tools ?? []).flatMap((t) => (t.type === undefined || t.type === 'custom' ? [t.name] : []))
      : [],
    promptChars,
  }
}
