// The notifications scenario's own tests live in suites/test/notify, so
// `npx vitest run suites/notifications` runs the scenario alone; `npm test` still runs these.
// The scenario as a CI pipeline runs it: in its own Vitest process, against a simulator and an
// SMTP mock started here (given as CODER_URL and SCALETEST_SMTP_API_URL, like a real deployment),
// so these tests can break the target and interrupt the run.

import { setTimeout as sleep } from 'node:timers/promises'

import { afterEach, expect, it } from 'vitest'

import type { NotificationFaults } from '@scaletest/mocks'
import {
  type NotificationsTarget,
  runNotificationsScenario,
  startNotificationsTarget,
} from '../support/notifications-target.ts'

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

const startTarget = (faults: NotificationFaults) => startNotificationsTarget<Results>(faults, teardown)
const runScenario = (target: NotificationsTarget<Results>, env: NodeJS.ProcessEnv) =>
  runNotificationsScenario(target, env)
