// Error bodies in each provider's shape, so SDKs surface the mock's message as they would the
// real API's (OpenAI: `{ error: { message, type, param, code } }`, Anthropic: `{ type: 'error', error }`).
export type Provider = 'openai' | 'anthropic'

const OPENAI_TYPES: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  404: ['invalid_request_error', 'unknown_url'],
  405: ['invalid_request_error', 'method_not_allowed'],
  413: ['invalid_request_error', 'request_too_large'],
  415: ['invalid_request_error', 'unsupported_content_type'],
  429: ['requests', 'rate_limit_exceeded'],
  500: ['server_error', null],
}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
}

export function errorBody(provider: Provider, status: number, message: string): unknown {
  if (provider === 'anthropic')
    return { type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? 'api_error', message } }
  const [type, code] = OPENAI_TYPES[status] ?? ['server_error', null]
  return { error: { message, type, param: null, code } }
}
