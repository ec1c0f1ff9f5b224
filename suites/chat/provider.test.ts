// Provider and model bootstrap against the simulator, whose replicas cache providers for a TTL: the
// propagation wait is what makes the first chat after a create or an edit find the provider.
import { performance } from 'node:perf_hooks'

import { afterEach, expect, it } from 'vitest'

import { startLlmMock } from '@scaletest/mocks'
import { CoderClient } from '@scaletest/vitest'
import { startSimulatorTarget } from '../test/support/simulator-target.ts'
import { ensureProviderAndModel, PROVIDER_NAME } from './runner/provider.ts'

const TTL_MS = 1_500
const teardown: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

async function start() {
  const llm = await startLlmMock()
  teardown.push(() => llm.close())
  const target = await startSimulatorTarget(
    { chats: { providerCacheTtlMs: TTL_MS, replicas: 2, maxAttempts: 1 } },
    teardown,
  )
  const coder = new CoderClient({ url: target.coderd.url, sessionToken: target.sessionToken })
  teardown.push(() => coder[Symbol.asyncDispose]())
  const org = await coder.defaultOrganization()
  const logs: string[] = []
  // Each replica takes its snapshot of the provider table now, before the scaletest provider exists.
  const warm = await coder.createAIProvider({ type: 'openai', name: 'warm', base_url: `${llm.url}/v1` })
  const warmModel = await coder.createChatModelConfig({
    provider: 'openai',
    ai_provider_id: warm.id,
    model: 'm',
  })
  for (let i = 0; i < 2; i++)
    await coder.createChat({ content: [{ type: 'text', text: 'warm' }], model_config_id: warmModel.id })
  const chat = async (modelConfigId: string) => {
    const { id } = await coder.createChat({
      content: [{ type: 'text', text: 'hi' }],
      model_config_id: modelConfigId,
      organization_id: org.id,
    })
    await using stream = await coder.streamChat(id)
    const end = await stream.waitFor(
      (e) => e.type === 'status' && (e.status?.status === 'error' || e.status?.status === 'waiting'),
      { timeoutMs: 10_000 },
    )
    return { status: end.status?.status, chat: await coder.chat(id) }
  }
  const ensure = (base: string, propagationWaitMs: number) =>
    ensureProviderAndModel(coder, base, { propagationWaitMs, log: (m) => logs.push(m) })
  return { llm, target, coder, chat, ensure, logs }
}

it('without the propagation wait the first chat misses the new provider', async () => {
  const t = await start()
  const { modelConfigId, changed } = await t.ensure(`${t.llm.url}/v1`, 0)
  expect(changed).toBe(true)
  const first = await t.chat(modelConfigId)
  expect(first.status).toBe('error')
  expect(first.chat.last_error).toMatch(/provider not configured/)
}, 30_000)

it('waits out the propagation wait after a create or an edit, not after a reuse; the chat then runs', async () => {
  const t = await start()
  let started = performance.now()
  const created = await t.ensure(`${t.llm.url}/v1`, TTL_MS + 200)
  expect(performance.now() - started).toBeGreaterThanOrEqual(TTL_MS + 150)
  expect(created.changed).toBe(true)
  expect((await t.chat(created.modelConfigId)).status).toBe('waiting')
  expect(t.logs).toEqual([
    `created AI provider ${PROVIDER_NAME}`,
    `waiting ${TTL_MS + 200} ms for the provider to reach every replica`,
  ])

  // Unchanged: reused, same model config, no wait.
  started = performance.now()
  const reused = await t.ensure(`${t.llm.url}/v1`, 60_000)
  expect(reused).toEqual({ modelConfigId: created.modelConfigId, changed: false })
  expect(performance.now() - started).toBeLessThan(10_000)

  // A new base URL is patched onto the same provider, and waited for again.
  const moved = await t.ensure(`${t.llm.url}/v1/`, TTL_MS + 200)
  expect(moved).toEqual({ modelConfigId: created.modelConfigId, changed: true })
  expect((await t.coder.aiProvider(PROVIDER_NAME)).base_url).toBe(`${t.llm.url}/v1/`)
  expect(t.logs.at(-2)).toBe(`updated AI provider ${PROVIDER_NAME} to ${t.llm.url}/v1/`)
  expect((await t.chat(moved.modelConfigId)).status).toBe('waiting')
}, 60_000)

it('two runs racing to create the provider both succeed with one provider (the loser of a 409 re-reads)', async () => {
  const t = await start()
  const [a, b] = await Promise.all([t.ensure(`${t.llm.url}/v1`, 0), t.ensure(`${t.llm.url}/v1`, 0)])
  expect(a.modelConfigId).toBeTruthy()
  expect(b.modelConfigId).toBeTruthy()
  const listed = await fetch(`${t.target.coderd.url}/api/v2/ai/providers`, {
    headers: { 'Coder-Session-Token': t.target.sessionToken },
  })
  const providers = (await listed.json()) as { name: string }[]
  expect(providers.filter((p) => p.name === PROVIDER_NAME)).toHaveLength(1)
  expect((await t.coder.aiProvider(PROVIDER_NAME)).name).toBe(PROVIDER_NAME)
  expect(t.logs.filter((l) => l.startsWith('created AI provider'))).toHaveLength(1)
}, 30_000)

it("refuses a scaletest provider someone else owns or disabled, with Coder's messages", async () => {
  const t = await start()
  const other = await t.coder.createAIProvider({
    type: 'openai-compat',
    name: PROVIDER_NAME,
    display_name: 'Production LLM',
    base_url: `${t.llm.url}/v1`,
  })
  await expect(t.ensure(`${t.llm.url}/v1`, 0)).rejects.toThrow(
    `refusing to use scaletest AI provider ${other.id} with display name "Production LLM"`,
  )
  await t.coder.updateAIProvider(PROVIDER_NAME, { display_name: 'Scaletest LLM Mock', enabled: false })
  await expect(t.ensure(`${t.llm.url}/v1`, 0)).rejects.toThrow(
    `existing scaletest AI provider ${other.id} is disabled; re-enable or delete it before running scaletests`,
  )
}, 30_000)
