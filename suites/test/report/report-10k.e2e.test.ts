// The report of a run with 10,000 harness runs opens and filters quickly in headless Chromium:
// the runs table is virtualised, so only the visible rows exist in the page.

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, expect, it } from 'vitest'

import {
  buildScaletestResults,
  MetricsAggregate,
  MetricsRecorder,
  renderReport,
  resultsJson,
} from '@scaletest/vitest/node'
import { launchReportBrowser, type ReportBrowser } from '../support/report-browser.ts'

const RUNS = 10_000
const FAILED_EVERY = 97 // 103 failed runs
let browser: ReportBrowser
let dir: string

beforeAll(async () => {
  browser = await launchReportBrowser()
  dir = await mkdtemp(join(tmpdir(), 'scaletest-report-10k-'))
})
afterAll(async () => {
  await browser.close()
  await rm(dir, { recursive: true, force: true })
})

it('opens and filters a 10,000-run report in under 2 s', async () => {
  const html = join(dir, 'report.html')
  await writeFile(html, await renderReport(resultsJson(tenThousandRuns(), 0)))
  const failed = Math.ceil(RUNS / FAILED_EVERY)
  const reset = Array.from({ length: RUNS }, (_, i) => i).filter(
    (i) => i % FAILED_EVERY === 0 && i % 2 === 0,
  ).length
  expect(reset).toBeLessThan(failed)

  // The machine is shared: the best of up to three opens counts, each a fresh page.
  const timings: { openMs: number; filterMs: number }[] = []
  for (let attempt = 0; attempt < 3; attempt++) {
    const { page, errors, requests } = await browser.open(html)
    expect(errors).toEqual([])
    expect(requests).toEqual([])
    // From the start of navigation (reading the 10,000 runs included) until the page is drawn.
    const openMs = await page.evaluate(
      () => (globalThis as unknown as { scaletestReport: { drawnAt: number } }).scaletestReport.drawnAt,
    )
    expect(await page.locator('#runs-count').textContent()).toBe(`${RUNS} of ${RUNS} runs`)
    // Failed first; only the rows in view are in the DOM.
    expect(await page.locator('#runs-viewport .runs-row').first().getAttribute('class')).toContain('failed')
    expect(await page.locator('#runs-viewport .runs-row').count()).toBeLessThan(60)

    // Measured here, round trips to the browser included.
    const started = performance.now()
    await page.selectOption('#runs-status', 'failed')
    await page.fill('#runs-filter', 'connection reset')
    await expect.poll(() => page.locator('#runs-count').textContent()).toBe(`${reset} of ${RUNS} runs`)
    const filterMs = performance.now() - started
    timings.push({ openMs, filterMs })

    // A run's error and log show when it is clicked.
    await page.locator('#runs-viewport .runs-row').first().click()
    const detail = await page.locator('#run-detail').textContent()
    expect(detail).toContain('connection reset by peer')
    expect(detail).toContain('dialing the inbox websocket')
    await page.close()
    if (openMs + filterMs < 2000) break
  }
  for (const t of timings)
    console.log(
      `10,000-run report: opened in ${t.openMs.toFixed(0)} ms, filtered in ${t.filterMs.toFixed(0)} ms`,
    )
  const best = Math.min(...timings.map((t) => t.openMs + t.filterMs))
  expect(best).toBeLessThan(2000)
}, 90_000)

/** The results the reporter would write for 10,000 runs, each with a few log lines. */
function tenThousandRuns() {
  const started = Date.parse('2026-01-01T00:00:00Z')
  const recorder = new MetricsRecorder({ intervalMs: 1000, now: () => started })
  recorder.stopIntervals()
  recorder.histogram('notification_delivery_latency_seconds')
  const runs: Record<string, Record<string, unknown>> = {}
  let failedCount = 0
  for (let i = 0; i < RUNS; i++) {
    const failed = i % FAILED_EVERY === 0
    if (failed) failedCount++
    const error = failed
      ? i % 2 === 0
        ? 'read: connection reset by peer'
        : 'context deadline exceeded'
      : null
    recorder.observeAt('notification_delivery_latency_seconds', started + i * 6, 0.05 + (i % 500) / 1000)
    runs[`notifications/${i}`] = {
      full_id: `notifications/${i}`,
      test_name: 'notifications',
      id: String(i),
      logs: `creating user\ndialing the inbox websocket\n${failed ? `run failed: ${error}\n` : 'received 1 notification\n'}`,
      started_at: new Date(started + i * 6).toISOString(),
      duration: '1.2s',
      duration_ms: 1200,
      error,
      metrics: {},
    }
  }
  const aggregate = new MetricsAggregate()
  aggregate.add(recorder.toJSON())
  const harness = {
    total_runs: RUNS,
    total_pass: RUNS - failedCount,
    total_fail: failedCount,
    elapsed_ms: 60_000,
    elapsed: '1m0s',
    runs,
  }
  return buildScaletestResults({
    startedAt: started,
    endedAt: started + 60_000,
    harness,
    tests: [
      {
        name: 'notifications',
        module: 'notifications/notifications.scale.test.ts',
        state: 'failed',
        harness: [harness],
      },
    ],
    thresholds: [],
    aggregate,
  })
}
