// Request bodies as Coder builds them (scaletest/bridge/provider.go, config.go PrepareRequestBody):
// built once and shared by every runner and request.

import type { BridgeKind } from '../config.ts'

interface Message {
  role: 'user' | 'assistant'
  content: string
}

/** The model each kind asks for (Coder's DefaultModel). */
export const DEFAULT_MODELS: Record<BridgeKind, string> = {
  completions: 'gpt-4',
  responses: 'gpt-5',
  messages: 'claude-3-opus-20240229',
}

const DEFAULT_CONTENT = 'Hello from the bridge load generator.'

function formatMessages(kind: BridgeKind, messages: Message[]): unknown[] {
  switch (kind) {
    case 'completions':
      return messages.map((m) => ({ role: m.role, content: m.content }))
    case 'responses':
      return messages.map((m) => ({ type: 'message', role: m.role, content: m.content }))
    case 'messages':
      return messages.map((m) => ({ role: m.role, content: [{ type: 'text', text: m.content }] }))
  }
}

function buildBody(kind: BridgeKind, model: string, messages: unknown[], stream: boolean): unknown {
  if (kind === 'responses') return { model, input: messages, stream }
  if (kind === 'messages') return { model, messages, max_tokens: 1024, stream }
  return { model, messages, stream }
}

/**
 * Alternating user/assistant messages (the last one from the user) filled with `x` so that the
 * formatted messages come to about `targetSize` bytes of JSON (Coder's generateConversation).
 */
export function generateConversation(kind: BridgeKind, targetSize: number, numMessages: number): unknown[] {
  const count = Math.max(1, numMessages)
  const messages: Message[] = Array.from({ length: count }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: '',
  }))
  messages[count - 1]!.role = 'user'
  const overhead = JSON.stringify(formatMessages(kind, messages)).length
  const bytes = Math.max(0, targetSize - overhead)
  const per = Math.floor(bytes / count)
  const remainder = bytes % count
  messages.forEach((m, i) => {
    m.content = 'x'.repeat(per + (i === count - 1 ? remainder : 0))
  })
  return formatMessages(kind, messages)
}

/** The serialised body every request of the run sends. */
export function prepareRequestBody(
  kind: BridgeKind,
  options: { stream: boolean; requestPayloadSize: number; numMessages: number },
): string {
  const messages =
    options.requestPayloadSize > 0
      ? generateConversation(kind, options.requestPayloadSize, options.numMessages)
      : formatMessages(kind, [{ role: 'user', content: DEFAULT_CONTENT }])
  return JSON.stringify(buildBody(kind, DEFAULT_MODELS[kind], messages, options.stream))
}
