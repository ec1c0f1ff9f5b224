// Answer text and its tokens. A token here is 4 characters (code points), about what an LLM
// tokenizer yields for English, so `responsePayloadSize: 2000` streams 500 tokens.
export const CHARS_PER_TOKEN = 4

const WORDS =
  'the load test streams this text from a mock model so that coder can be measured under many chats at once without paying for tokens'.split(
    ' ',
  )

const payloadCache = new Map<number, { text: string; tokens: string[] }>()

/**
 * Deterministic ASCII text of exactly `bytes` bytes, and its tokens. Cached: the same token array
 * comes back every time, which is what the renderers' caches key on.
 */
export function payload(bytes: number): { text: string; tokens: string[] } {
  let cached = payloadCache.get(bytes)
  if (cached) return cached
  const parts: string[] = []
  let length = 0
  for (let i = 0; length < bytes; i++) {
    const word = (i === 0 ? '' : ' ') + WORDS[i % WORDS.length]
    parts.push(word)
    length += word.length
  }
  const text = parts.join('').slice(0, bytes)
  cached = { text, tokens: tokenize(text) }
  if (payloadCache.size > 16) payloadCache.clear()
  payloadCache.set(bytes, cached)
  return cached
}

export function payloadText(bytes: number): string {
  return payload(bytes).text
}

/** A short answer quoting the prompt, used when no payload size is set. */
export function contextualText(prompt: string): string {
  const quoted = prompt.replace(/\s+/g, ' ').trim().slice(0, 60)
  return quoted ? `Scaletest mock reply to: "${quoted}".` : 'Scaletest mock reply.'
}

const SURROGATE = /[\uD800-\uDFFF]/

/** Splits text into tokens of CHARS_PER_TOKEN code points, never inside a surrogate pair. */
export function tokenize(text: string): string[] {
  const tokens: string[] = []
  if (!SURROGATE.test(text)) {
    for (let i = 0; i < text.length; i += CHARS_PER_TOKEN) tokens.push(text.slice(i, i + CHARS_PER_TOKEN))
    return tokens
  }
  const points = Array.from(text)
  for (let i = 0; i < points.length; i += CHARS_PER_TOKEN)
    tokens.push(points.slice(i, i + CHARS_PER_TOKEN).join(''))
  return tokens
}

/** Token count the mock reports for prompt text (usage fields). */
export function countTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN))
}
