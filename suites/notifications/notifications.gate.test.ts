// The gate can fail: the scenario runs (as a CI pipeline would run it, in its own Vitest process)
// against a simulator whose notifications arrive after the notification timeout, and the run must
// exit non-zero naming the missed counter and its threshold.

import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { afterAll, beforeAll, expect, it } from 'vitest'

import { startCoderdSimulator, startSmtpMock } from '@scaletest/mocks'

const repoRoot = resolve(import.meta.dirname, '../..')
const owner = { email: 'owner@scaletest.local', username: 'owner', password: 'gate-test-password' }

let smtp: Awaited<ReturnType<typeof startSmtpMock>>
let coderd: Awaited<ReturnType<typeof startCoderdSimulator>>
let outputDir: string

beforeAll(async () => {
  smtp = await startSmtpMock()
  coderd = await startCoderdSimulator({
    firstUser: owner,
    emailSmarthost: `${smtp.smtpHost}:${smtp.smtpPort}`,
    faults: { delayMs: 60_000 },
  })
  outputDir = await mkdtemp(join(tmpdir(), 'scaletest-gate-'))
})

afterAll(async () => {
  await coderd?.close()
  await smtp?.close()
  if (outputDir) await rm(outputDir, { recursive: true, force: true })
})

it('fails the run when notifications arrive after the timeout, naming the missed counter', async () => {
  const login = await fetch(`${coderd.url}/api/v2/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: owner.email, password: owner.password }),
  })
  const { session_token } = (await login.json()) as { session_token: string }

  const { SCALETEST_MOCKS: _m, SCALETEST_REQUIRE_DOCKER: _r, ...env } = process.env
  const run = await runVitest(['run', 'suites/notifications/notifications.scale.test.ts'], {
    ...env,
    CODER_URL: coderd.url,
    CODER_SESSION_TOKEN: session_token,
    SCALETEST_SMTP_API_URL: smtp.apiUrl,
    SCALETEST_MOCKS_START: 'smtp,coderd',
    SCALETEST_OUTPUT_DIR: outputDir,
    CODER_SCALETEST_NOTIFICATION_USER_COUNT: '5',
    CODER_SCALETEST_NOTIFICATION_TIMEOUT: '2s',
    CODER_SCALETEST_SMTP_POLL_INTERVAL: '250ms',
  })

  expect(run.code).not.toBe(0)
  expect(run.output).toMatch(
    /threshold failed: .*notification_delivery_missed_total count==0 \(measured [1-9]/,
  )
  expect(run.output).not.toContain(session_token)
  const results = JSON.parse(await readFile(join(outputDir, 'results.json'), 'utf8'))
  expect(results.thresholds.ok).toBe(false)
  expect(results.thresholds.results).toContainEqual(
    expect.objectContaining({ selector: 'notification_delivery_missed_total', ok: false }),
  )
  // Only the one receiver (20% of 5) missed; its websocket and email were both late.
  expect(results.harness.total_fail).toBe(1)
  // Cleanup ran although the run failed: only the owner is left.
  expect(coderd.state.users.size).toBe(1)
}, 60_000)

function runVitest(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), ...args], {
      cwd: repoRoot,
      env: { ...env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, output }))
  })
}
