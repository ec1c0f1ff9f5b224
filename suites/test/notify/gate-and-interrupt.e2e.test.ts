// The notifications scenario's own tests live in suites/test/notify, so
// `npx vitest run suites/notifications` runs the scenario alone; `npm test` still runs these.
// The scenario as a CI pipeline runs it: in its own Vitest process, against a simulator and an
// SMTP mock started here (given as CODER_URL and SCALETEST_SMTP_API_URL, like a real deployment),
// so these tests can break the target and interrupt the run.

import { setTimeout as sleep } from 'node:timers/promises'

import { afterEach, expect, it } from 'vitest'

import { type NotificationFaults, startSmtpMock } from '@scaletest/mocks'
import { type SimulatorTarget, startSimulatorTarget } from '../support/simulator-target.ts'
import { spawnScenario } from '../support/spawn-scenario.ts'

const teardown: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

it('fails the run when notifications arrive after the timeout, naming the missed counter', async () => {
  const target = await startTarget({ delayMs: 60_000 })
  const run = runScenario(target, { CODER_SCALETEST_NOTIFICATION_TIMEOUT: '2s' })
  const { code, output } = await run.exited

  expect(code).not.toBe(0)
  expect(output).toMatch(/threshold failed: .*notification_delivery_missed_total count==0 \(measured [1-9]/)
  expect(output).not.toContain(target.sessionToken)
  const results = await target.results()
  expect(results.thresholds.ok).toBe(false)
  expect(results.thresholds.results).toContainEqual(
    expect.objectContaining({ selector: 'notification_delivery_missed_total', ok: false }),
  )
  // Only the one receiver (20% of 5) missed; its websocket and its email were both late.
  expect(results.harness.total_fail).toBe(1)
  // Cleanup ran although the run failed: only the owner is left.
  expect([...target.coderd.state.users.values()].map((u) => u.username)).toEqual(['owner'])
}, 60_000)

it('on SIGINT mid-run stops, deletes what it created and writes partial results', async () => {
  // Deliveries never come, so the run would wait out its 30 s notification timeout.
  const target = await startTarget({ delayMs: 600_000 })
  const run = runScenario(target, {})
  while (target.coderd.state.users.size < 6) await sleep(50) // the owner and the 5 runners' users
  await sleep(500)
  // A terminal's Ctrl-C reaches the whole process group: Vitest and its workers.
  process.kill(-run.child.pid!, 'SIGINT')
  const interruptedAt = Date.now()
  const { code, output } = await run.exited

  expect(code).toBe(130)
  expect(Date.now() - interruptedAt).toBeLessThan(20_000)
  expect(output).toContain('SIGINT: cancelling the run')
  expect([...target.coderd.state.users.values()].map((u) => u.username)).toEqual(['owner'])
  const results = await target.results()
  expect(results.harness.total_runs).toBe(5)
  expect(Object.values(results.harness.runs).some((r) => /interrupted/.test(String(r.error)))).toBe(true)
}, 60_000)

interface Results {
  thresholds: { ok: boolean; results: unknown[] }
  harness: { total_runs: number; total_fail: number; runs: Record<string, { error: string | null }> }
}

interface Target extends SimulatorTarget<Results> {
  smtpApiUrl: string
}

async function startTarget(faults: NotificationFaults): Promise<Target> {
  const smtp = await startSmtpMock()
  teardown.push(() => smtp.close())
  const target = await startSimulatorTarget<Results>(
    { emailSmarthost: `${smtp.smtpHost}:${smtp.smtpPort}`, faults },
    teardown,
  )
  return { ...target, smtpApiUrl: smtp.apiUrl }
}

function runScenario(target: Target, env: NodeJS.ProcessEnv) {
  const run = spawnScenario('suites/notifications/notifications.scale.test.ts', {
    CODER_URL: target.coderd.url,
    CODER_SESSION_TOKEN: target.sessionToken,
    SCALETEST_SMTP_API_URL: target.smtpApiUrl,
    SCALETEST_MOCKS_START: 'smtp,coderd',
    SCALETEST_OUTPUT_DIR: target.outputDir,
    CODER_SCALETEST_NOTIFICATION_USER_COUNT: '5',
    CODER_SCALETEST_SMTP_POLL_INTERVAL: '250ms',
    ...env,
  })
  teardown.push(run.kill)
  return run
}
