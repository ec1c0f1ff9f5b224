// The scenario as a CI pipeline runs it: in its own Vitest process, against a simulator whose AI
// Bridge forwards to an LLM mock started here, so these tests can break the upstream and read what
// the run reported.

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, expect, it } from 'vitest'

import { type LlmMockOptions, startLlmMock } from '@scaletest/mocks'
import { type SimulatorTarget, startSimulatorTarget } from '../test/support/simulator-target.ts'
import { spawnScenario } from '../test/support/spawn-scenario.ts'

const teardown: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

it('bridge mode: every request goes through the bridge as its own user, who is deleted afterwards', async () => {
  const target = await startTarget()
  const { code, output } = await runScenario(target, {
    CODER_SCALETEST_BRIDGE_PROVIDER: 'messages',
    CODER_SCALETEST_BRIDGE_STREAM: 'true',
  }).exited

  expect(output).toContain('coderd_scaletest_bridge_requests_total{status="success"} sum==6 (measured 6)')
  expect(code).toBe(0)
  expect(output).not.toContain(target.sessionToken)
  expect(output).toContain('bridge: coderd recorded 6 interception(s) for 6 request(s)')
  const interceptions = target.coderd.interceptions()
  expect(interceptions).toHaveLength(6)
  const initiators = new Set(interceptions.map((i) => i.initiatorId))
  expect(initiators.size).toBe(3)
  for (const i of interceptions) {
    expect(i).toMatchObject({ provider: 'anthropic', model: 'claude-3-opus-20240229', status: 200 })
    expect(i.metadata).toEqual({ api: 'messages', streaming: true })
    expect(i.tokenUsages[0]!.outputTokens).toBeGreaterThan(0)
  }
  // Cleanup deleted the three users; only the owner is left.
  expect([...target.coderd.state.users.values()].filter((u) => !u.username.startsWith('owner'))).toEqual([])
  const prom = await readFile(join(target.outputDir, 'metrics.prom'), 'utf8')
  expect(prom).toMatch(/coderd_scaletest_bridge_time_to_first_token_seconds_count(\{\})? 6/)
  expect(prom).toMatch(/coderd_scaletest_bridge_request_duration_seconds_bucket\{le="0.005"\}/)
}, 90_000)

it('an upstream answering 500 counts every request as failed and fails the run by its threshold', async () => {
  const target = await startTarget({ faults: { '500': 1 } })
  const { code, output } = await runScenario(target, {}).exited

  expect(code).not.toBe(0)
  expect(output).not.toContain(target.sessionToken)
  expect(output).toMatch(
    /threshold failed: .*coderd_scaletest_bridge_requests_total\{status="failure"\} sum==0 \(measured 6\)/,
  )
  const prom = await readFile(join(target.outputDir, 'metrics.prom'), 'utf8')
  expect(prom).toMatch(/coderd_scaletest_bridge_errors_total\{action="request"\} 6/)
  expect(prom).toMatch(/coderd_scaletest_bridge_errors_total\{action="create_user"\} 0/)
  expect(prom).toMatch(/coderd_scaletest_bridge_requests_total\{status="success"\} 0/)
  const results = await target.results()
  expect(results.harness.total_fail).toBe(3)
  for (const run of Object.values(results.harness.runs)) {
    expect(String(run.error)).toMatch(/2 out of 2 requests failed/)
    expect(run.metrics).toMatchObject({ request_count: 0, success_count: 0, failure_count: 2 })
  }
  // The bridge recorded each failed request, with the upstream's status.
  expect(target.coderd.interceptions().map((i) => i.status)).toEqual([500, 500, 500, 500, 500, 500])
}, 90_000)

it('open model: a fixed arrival rate spread over the users, timed from each scheduled start', async () => {
  const target = await startTarget()
  const { code, output } = await runScenario(target, {
    SCALETEST_BRIDGE_ARRIVAL_RATE: '20',
    SCALETEST_BRIDGE_DURATION: '1s',
    CODER_SCALETEST_BRIDGE_PROVIDER: 'responses',
  }).exited

  expect(output).toContain('bridge: open model 20/20 succeeded, 0 failed, 0 dropped')
  expect(output).toContain('coderd_scaletest_bridge_requests_total{status="success"} sum==20 (measured 20)')
  expect(code).toBe(0)
  const interceptions = target.coderd.interceptions()
  expect(interceptions).toHaveLength(20)
  // Round-robin over the three users.
  const perUser = new Map<string, number>()
  for (const i of interceptions) perUser.set(i.initiatorId, (perUser.get(i.initiatorId) ?? 0) + 1)
  expect([...perUser.values()].sort()).toEqual([6, 7, 7])
  expect([...target.coderd.state.users.values()].filter((u) => !u.username.startsWith('owner'))).toEqual([])
  const prom = await readFile(join(target.outputDir, 'metrics.prom'), 'utf8')
  expect(prom).toMatch(/coderd_scaletest_bridge_scheduled_latency_seconds_count(\{\})? 20/)
}, 90_000)

interface Results {
  harness: { total_fail: number; runs: Record<string, { error: string | null; metrics: unknown }> }
}

async function startTarget(llmOptions: LlmMockOptions = {}): Promise<SimulatorTarget<Results>> {
  const llm = await startLlmMock(llmOptions)
  teardown.push(() => llm.close())
  return startSimulatorTarget<Results>(
    { aibridge: { openaiBaseUrl: `${llm.url}/v1`, anthropicBaseUrl: llm.url } },
    teardown,
  )
}

function runScenario(target: SimulatorTarget<Results>, env: NodeJS.ProcessEnv) {
  const run = spawnScenario('suites/bridge/bridge.scale.test.ts', {
    CODER_URL: target.coderd.url,
    CODER_SESSION_TOKEN: target.sessionToken,
    SCALETEST_MOCKS_START: 'coderd',
    SCALETEST_OUTPUT_DIR: target.outputDir,
    CODER_SCALETEST_BRIDGE_MODE: 'bridge',
    CODER_SCALETEST_BRIDGE_CONCURRENT_USERS: '3',
    CODER_SCALETEST_BRIDGE_REQUEST_COUNT: '2',
    ...env,
  })
  teardown.push(run.kill)
  return run
}
