// Official SDK clients pointed at a mock, with retries off so every fault reaches the test.
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'

export function openaiClient(baseUrl: string, options: { timeout?: number } = {}): OpenAI {
  return new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'sk-scaletest-secret', maxRetries: 0, ...options })
}

export function anthropicClient(baseUrl: string): Anthropic {
  return new Anthropic({ baseURL: baseUrl, apiKey: 'sk-ant-scaletest-secret', maxRetries: 0 })
}

export const EXECUTE_TOOL = {
  type: 'function' as const,
  function: {
    name: 'execute',
    description: 'Run a shell command in the workspace.',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
}

export function control(block: Record<string, unknown>, text = 'Run the tools.'): string {
  return `<scaletest-control>${JSON.stringify(block)}</scaletest-control>\n${text}`
}

/** POSTs JSON with fetch and returns status, headers and the raw body text. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}
