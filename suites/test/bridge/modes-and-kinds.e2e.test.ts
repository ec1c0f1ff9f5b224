// suites/bridge at its defaults (10 users × 1 request, 1 KiB payload) in both modes and all three
// kinds, each run in its own Vitest process against this run's mocks (in CI the LLM mock and the
// simulator run in containers). Each run must pass its thresholds and count its requests; in bridge
// mode the simulator must have recorded one interception per request.

import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CoderClient } from '@scaletest/vitest'
import type { BridgeKind, BridgeMode } from '../../bridge/config.ts'
import { type RunMocks, runMocks } from '../support/run-mocks.ts'
import { spawnScenario } from '../support/spawn-scenario.ts'

const USERS = 10 // the suite's defaults
const REQUESTS = 1
const TOTAL = USERS * REQUESTS

/** The model each kind's request body names (runner/request-body.ts, as Coder builds it). */
const MODELS: Record<BridgeKind, { provider: string; model: string; api: string }> = {
  completions: { provider: 'openai', model: 'gpt-4', api: 'chat_completions' },
  responses: { provider: 'openai', model: 'gpt-5', api: 'responses' },
  messages: { provider: 'anthropic', model: 'claude-3-opus-20240229', api: 'messages' },
}

interface Results {
  harness: {
    total_runs: number
    total_fail: number
    runs: Record<string, { metrics: Record<string, unknown> }>
  }
}

let mocks: RunMocks
let owner: CoderClient
beforeAll(() => {
  mocks = runMocks()
  owner = new CoderClient({ url: mocks.env.CODER_URL!, sessionToken: mocks.env.CODER_SESSION_TOKEN! })
})
afterAll(() => owner.close())

const cases = (['direct', 'bridge'] as BridgeMode[]).flatMap((mode) =>
  (['completions', 'responses', 'messages'] as BridgeKind[]).map((kind) => ({ mode, kind })),
)

describe.concurrent('bridge scenario, every mode and kind', () => {
  it.for(cases)('$mode mode, $kind', async ({ mode, kind }) => {
    const outputDir = await mkdtemp(join(tmpdir(), `scaletest-bridge-${mode}-${kind}-`))
    const run = spawnScenario('suites/bridge/bridge.scale.test.ts', {
      ...mocks.env,
      SCALETEST_OUTPUT_DIR: outputDir,
      CODER_SCALETEST_BRIDGE_MODE: mode,
      CODER_SCALETEST_BRIDGE_PROVIDER: kind,
    })
    const startedAt = new Date()
    try {
      const { code, output } = await run.exited
      expect(output).not.toContain(mocks.env.CODER_SESSION_TOKEN)
      expect(code, output).toBe(0)
      expect(output).toContain(`bridge: ${mode} mode, ${USERS} user(s) × ${REQUESTS} ${kind} request(s)`)
      expect(output).toContain(
        `coderd_scaletest_bridge_requests_total{status="success"} sum==${TOTAL} (measured ${TOTAL})`,
      )

      const results = JSON.parse(await readFile(join(outputDir, 'results.json'), 'utf8')) as Results
      expect(results.harness).toMatchObject({ total_runs: USERS, total_fail: 0 })
      for (const { metrics } of Object.values(results.harness.runs))
        expect(metrics).toMatchObject({ request_count: REQUESTS, success_count: REQUESTS, failure_count: 0 })

      const prom = await readFile(join(outputDir, 'metrics.prom'), 'utf8')
      expect(sample(prom, 'coderd_scaletest_bridge_requests_total{status="success"}')).toBe(TOTAL)
      expect(sample(prom, 'coderd_scaletest_bridge_requests_total{status="failure"}')).toBe(0)
      expect(sample(prom, 'coderd_scaletest_bridge_errors_total{action="request"}')).toBe(0)
      expect(sample(prom, 'coderd_scaletest_bridge_errors_total{action="create_user"}')).toBe(0)
      expect(sample(prom, 'coderd_scaletest_bridge_request_duration_seconds_count')).toBe(TOTAL)
      expect(sample(prom, 'coderd_scaletest_bridge_response_tokens_total{type="output"}')).toBeGreaterThan(0)

      if (mode === 'bridge') {
        expect(output).toContain(`bridge: coderd recorded ${TOTAL} interception(s) for ${TOTAL} request(s)`)
        const { provider, model, api } = MODELS[kind]
        const recorded = await owner.aibridgeInterceptions({
          provider,
          model,
          started_after: new Date(startedAt.getTime() - 1),
          limit: 1000,
        })
        expect(recorded.count).toBe(TOTAL)
        expect(new Set(recorded.results.map((r) => r.initiator.id)).size).toBe(USERS)
        for (const r of recorded.results) {
          expect(r.metadata).toEqual({ api, streaming: false })
          expect(r.token_usages?.[0]?.output_tokens).toBeGreaterThan(0)
        }
      }
    } finally {
      await run.kill()
      await rm(outputDir, { recursive: true, force: true })
    }
  })
}, 60_000)

/** A sample's value in Prometheus text, by its exact name and labels (`name` alone for no labels). */
function sample(prom: string, series: string): number | undefined {
  for (const line of prom.split('\n')) {
    const at = line.lastIndexOf(' ')
    const key = line.slice(0, at)
    if (key === series || key === `${series}{}`) return Number(line.slice(at + 1))
  }
  return undefined
}
