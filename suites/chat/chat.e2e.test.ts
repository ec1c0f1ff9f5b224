// The scenario as a CI pipeline runs it: in its own Vitest process, against a simulator and an LLM mock
// started here (given as CODER_URL and CODER_SCALETEST_CHAT_LLM_MOCK_URL), so these tests can break the
// provider and read what the run reported.

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, expect, it } from 'vitest'

import { startLlmMock } from '@scaletest/mocks'
import { type SimulatorTarget, startSimulatorTarget } from '../test/support/simulator-target.ts'
import { spawnScenario } from '../test/support/spawn-scenario.ts'

const teardown: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

it('an unreachable provider shows retries, errors every chat and fails the run by its thresholds', async () => {
  const target = await startTarget()
  const { code, output } = await runScenario(target, {
    // Port 9 (discard) is closed on loopback: every provider call is refused.
    CODER_SCALETEST_CHAT_LLM_MOCK_URL: 'http://127.0.0.1:9/v1',
    CODER_SCALETEST_CHAT_CHATS_PER_WORKSPACE: '2',
  }).exited

  expect(code).not.toBe(0)
  expect(output).not.toContain(target.sessionToken)
  expect(output).toMatch(
    /threshold failed: .*coderd_scaletest_chat_stage_failures_total sum==0 \(measured 2\)/,
  )
  const prom = await readFile(join(target.outputDir, 'metrics.prom'), 'utf8')
  expect(prom).toMatch(/coderd_scaletest_chat_retry_events_total(\{\})? [1-9]/)
  expect(prom).toMatch(/coderd_scaletest_chat_stage_failures_total\{stage="status_error"\} 2/)
  expect(prom).toMatch(/coderd_scaletest_chat_terminal_status_total\{status="error"\} 2/)
  const results = await target.results()
  expect(results.harness.total_fail).toBe(2)
  for (const run of Object.values(results.harness.runs))
    expect(String(run.error)).toMatch(/status_error: .*unreachable/)
  // Cleanup archived every chat although the run failed.
  const chats = await target.api('/api/experimental/chats?q=archived:true')
  expect(chats).toHaveLength(2)
  expect(await target.api('/api/experimental/chats')).toHaveLength(0)
}, 60_000)

it('drives two tool calls per turn through the control block and sees both results before the text', async () => {
  const target = await startTarget()
  const { code, output } = await runScenario(target, {
    CODER_SCALETEST_CHAT_LLM_MOCK_URL: `${target.llmUrl}/v1`,
    CODER_SCALETEST_CHAT_TURNS: '2',
    CODER_SCALETEST_CHAT_TOOL_CALLS_PER_TURN: '2',
    CODER_SCALETEST_CHAT_TURN_START_DELAY: '200ms',
  }).exited

  expect(output).toContain('turns_completed_total sum==2 (measured 2)')
  expect(code).toBe(0)
  const [chat] = (await target.api('/api/experimental/chats?q=archived:true')) as { id: string }[]
  const history = target.coderd.chatMessages(chat!.id)
  // Per turn: user, assistant(tool-call), tool, assistant(tool-call), tool, assistant(text).
  const roles = history.map((m) => m.role)
  expect(roles).toEqual([
    'user',
    'assistant',
    'tool',
    'assistant',
    'tool',
    'assistant',
    'user',
    'assistant',
    'tool',
    'assistant',
    'tool',
    'assistant',
  ])
  expect(history[5]!.content.some((p) => p.type === 'text')).toBe(true)
}, 60_000)

interface Results {
  harness: { total_fail: number; runs: Record<string, { error: string | null }> }
}

interface Target extends SimulatorTarget<Results> {
  llmUrl: string
  api(path: string): Promise<unknown[]>
}

async function startTarget(): Promise<Target> {
  const llm = await startLlmMock()
  teardown.push(() => llm.close())
  // Backoff long enough that the runner's stream is attached for the second retry.
  const target = await startSimulatorTarget<Results>(
    { chats: { providerCacheTtlMs: 100, retryBaseMs: 300, maxAttempts: 3 } },
    teardown,
  )
  const headers = { 'Coder-Session-Token': target.sessionToken }
  return {
    ...target,
    llmUrl: llm.url,
    api: async (path) =>
      (await (await fetch(`${target.coderd.url}${path}`, { headers })).json()) as unknown[],
  }
}

function runScenario(target: Target, env: NodeJS.ProcessEnv) {
  const run = spawnScenario('suites/chat/chat.scale.test.ts', {
    CODER_URL: target.coderd.url,
    CODER_SESSION_TOKEN: target.sessionToken,
    SCALETEST_MOCKS_START: 'coderd',
    SCALETEST_OUTPUT_DIR: target.outputDir,
    CODER_SCALETEST_CHAT_PROVIDER_PROPAGATION_WAIT: '200ms',
    CODER_SCALETEST_CHAT_TURNS: '1',
    ...env,
  })
  teardown.push(run.kill)
  return run
}
