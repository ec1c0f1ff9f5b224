// The bridge in-process: the official client's fetch goes through msw to the simulator core, which
// forwards to a real LLM mock on loopback and streams the answer back through the fetch adapter.

import { setupServer } from 'msw/node'
import OpenAI from 'openai'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { type StartedLlmMock, startLlmMock } from '../../llm/start.ts'
import { createCoderdCore } from '../core.ts'
import { createCoderdHandlers } from '../msw-handlers.ts'
import { OWNER } from '../test/sim-client.ts'

let llm: StartedLlmMock
let core: ReturnType<typeof createCoderdCore>
let server: ReturnType<typeof setupServer>

beforeAll(async () => {
  llm = await startLlmMock({ responsePayloadSize: 80 })
  core = createCoderdCore({ firstUser: OWNER, aibridge: { openaiBaseUrl: `${llm.url}/v1` } })
  server = setupServer(...createCoderdHandlers(core))
  server.listen()
})
afterAll(async () => {
  server.close()
  core.close()
  await llm.close()
})

it('streams a bridged chat completion through the msw handlers', async () => {
  const login = await fetch('http://coder.test/api/v2/users/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
  })
  const { session_token } = (await login.json()) as { session_token: string }
  const client = new OpenAI({
    baseURL: 'http://coder.test/api/v2/aibridge/openai/v1',
    apiKey: session_token,
    maxRetries: 0,
  })
  const stream = await client.chat.completions.create({
    model: 'gpt-4',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  })
  let text = ''
  let chunks = 0
  for await (const chunk of stream) {
    chunks++
    text += chunk.choices[0]?.delta.content ?? ''
  }
  expect(text).toHaveLength(80)
  expect(chunks).toBeGreaterThan(20)
  const [record] = core.interceptions()
  expect(record).toMatchObject({ provider: 'openai', model: 'gpt-4', status: 200 })
  expect(record!.tokenUsages[0]!.outputTokens).toBe(20)
})
