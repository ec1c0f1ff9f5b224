import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type StartedLlmMock, startLlmMock } from '@scaletest/mocks'
import { CoderApiError } from './errors.ts'
import { createUserClient, type SimulatorSession, startSimulatorSession } from './simulator-setup.ts'

let llm: StartedLlmMock
let session: SimulatorSession

beforeAll(async () => {
  llm = await startLlmMock()
  session = await startSimulatorSession({
    aibridge: { openaiBaseUrl: `${llm.url}/v1`, anthropicBaseUrl: llm.url },
  })
})
afterAll(async () => {
  await session?.close()
  await llm?.close()
})

/** Sends one request through the bridge with the user's session token, the way a provider SDK does. */
async function bridged(token: string, path: string, body: unknown): Promise<number> {
  const res = await fetch(`${session.url}/api/v2/aibridge${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  })
  await res.arrayBuffer()
  return res.status
}

describe('aibridgeInterceptions (simulator)', () => {
  it("lists what the bridge recorded, validated, with Coder's filters and pagination", async () => {
    const { user, client } = await createUserClient(session)
    const token = (await session.owner.login({ email: user.email, password: `pw-${user.username}` }))
      .session_token
    const messages = [{ role: 'user', content: 'hi' }]
    expect(await bridged(token, '/openai/v1/chat/completions', { model: 'gpt-4', messages })).toBe(200)
    expect(await bridged(token, '/openai/v1/responses', { model: 'gpt-5', input: 'hi' })).toBe(200)
    const claude = { model: 'claude-3-opus-20240229', max_tokens: 16, messages }
    expect(await bridged(token, '/anthropic/v1/messages', claude)).toBe(200)

    const all = await session.owner.aibridgeInterceptions({ initiator: user.username })
    expect(all.count).toBe(3)
    expect(all.results.map((r) => r.model)).toEqual(['claude-3-opus-20240229', 'gpt-5', 'gpt-4'])
    expect(all.results[0]!.token_usages![0]!.output_tokens).toBeGreaterThan(0)
    const openai = await client.aibridgeInterceptions({ initiator: 'me', provider: 'openai', limit: 1 })
    expect(openai.count).toBe(2)
    expect(openai.results.map((r) => r.model)).toEqual(['gpt-5'])
    const next = await client.aibridgeInterceptions({ provider: 'openai', after_id: openai.results[0]!.id })
    expect(next.results.map((r) => r.model)).toEqual(['gpt-4'])
    const later = await session.owner.aibridgeInterceptions({ started_after: new Date(Date.now() + 60_000) })
    expect(later.count).toBe(0)
  })

  it('throws CoderApiError with the validations for a bad query', async () => {
    const error = await session.owner.aibridgeInterceptions({ q: 'colour:blue' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CoderApiError)
    expect((error as CoderApiError).status).toBe(400)
    expect((error as CoderApiError).validations).toEqual([expect.objectContaining({ field: 'colour' })])
  })
})
