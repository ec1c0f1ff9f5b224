// While a notifications run waits for its deliveries, the progress line counts the runs of the
// running test and SCALETEST_PROMETHEUS_ADDRESS serves the report live at /report.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'

import { startSmtpMock } from '@scaletest/mocks'
import { launchReportBrowser, type ReportBrowser } from '../support/report-browser.ts'
import { startSimulatorTarget } from '../support/simulator-target.ts'
import { spawnScenario } from '../support/spawn-scenario.ts'

const teardown: Array<() => Promise<void>> = []
let browser: ReportBrowser

beforeAll(async () => {
  browser = await launchReportBrowser()
})
afterAll(() => browser.close())
afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

it('serves the report live and counts running runs in the progress line', async () => {
  const smtp = await startSmtpMock()
  teardown.push(() => smtp.close())
  // Deliveries take 6 s, so every run has started and waits while the page is read.
  const target = await startSimulatorTarget(
    { emailSmarthost: `${smtp.smtpHost}:${smtp.smtpPort}`, faults: { delayMs: 6000 } },
    teardown,
  )
  const run = spawnScenario('suites/notifications/notifications.scale.test.ts', {
    CODER_URL: target.coderd.url,
    CODER_SESSION_TOKEN: target.sessionToken,
    SCALETEST_SMTP_API_URL: smtp.apiUrl,
    SCALETEST_MOCKS_START: 'smtp,coderd',
    SCALETEST_OUTPUT_DIR: target.outputDir,
    CODER_SCALETEST_NOTIFICATION_USER_COUNT: '5',
    CODER_SCALETEST_SMTP_POLL_INTERVAL: '250ms',
    SCALETEST_PROMETHEUS_ADDRESS: '127.0.0.1:0',
    SCALETEST_PROMETHEUS_WAIT: '0',
    SCALETEST_PROGRESS_INTERVAL: '500ms',
  })
  teardown.push(run.kill)
  let output = ''
  run.child.stdout!.on('data', (c) => (output += c))
  run.child.stderr!.on('data', (c) => (output += c))

  await expect
    .poll(() => /live report on (http:\/\/127\.0\.0\.1:\d+\/report)/.exec(output), { timeout: 30_000 })
    .toBeTruthy()
  const url = /live report on (http:\/\/127\.0\.0\.1:\d+\/report)/.exec(output)![1]!
  let live: { runs_started: number; runs_passed: number; runs_failed: number } | undefined
  await expect
    .poll(
      async () => {
        const html = await (await fetch(url)).text()
        const json = /<script type="application\/json" id="scaletest-results">(.*?)<\/script>/s.exec(
          html,
        )?.[1]
        live = json === undefined ? undefined : JSON.parse(json).live
        return live?.runs_started
      },
      { timeout: 30_000, interval: 250 },
    )
    .toBe(5)
  // Mid-run: all five started, none has finished (each waits for its notification).
  expect(live).toMatchObject({ runs_passed: 0, runs_failed: 0 })
  const page = await browser.open(url)
  expect(page.errors).toEqual([])
  expect(page.requests).toEqual([])
  expect(await page.page.locator('#live-status').textContent()).toMatch(
    /^live: runs started 5, passed 0, failed 0/,
  )
  await page.page.close()

  const { code } = await run.exited
  expect(code, output).toBe(0)
  expect(output).toMatch(
    /scaletest progress: tests started 1, passed 0, failed 0, runs started 5, passed 0, failed 0,/,
  )
}, 120_000)
