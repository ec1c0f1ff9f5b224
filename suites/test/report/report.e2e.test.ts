// report.html of a real notifications run, opened in headless Chromium: drawn without errors or
// requests, with the numbers of results.json; and the same run against a slower baseline.

import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'

import type { NotificationFaults } from '@scaletest/mocks'
import { formatNumber } from '@scaletest/vitest/node'
import {
  type NotificationsTarget,
  runNotificationsScenario,
  startNotificationsTarget,
} from '../support/notifications-target.ts'
import { launchReportBrowser, type ReportBrowser } from '../support/report-browser.ts'

const LATENCY = 'notification_delivery_latency_seconds'
const teardown: Array<() => Promise<void>> = []
let browser: ReportBrowser

beforeAll(async () => {
  browser = await launchReportBrowser()
})
afterAll(() => browser.close())
afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

it('draws every chart of a notifications run, offline, with the numbers of results.json', async ({
  annotate,
}) => {
  const target = await startTarget({ delayMs: 1500 })
  const { code, output } = await runScenario(target, {
    CODER_SCALETEST_NOTIFICATION_USER_COUNT: '10',
    CODER_SCALETEST_NOTIFICATION_TEMPLATE_ADMIN_PERCENTAGE: '30',
    CODER_SCALETEST_NOTIFICATION_TEMPLATE_DELETION_COUNT: '3',
    SCALETEST_REPORT_INTERVAL: '20ms',
  }).exited
  expect(code, output).toBe(0)
  const results = await target.results()
  const html = join(target.outputDir, 'report.html')

  const { page, errors, requests } = await browser.open(html)
  expect(errors).toEqual([])
  expect(requests).toEqual([])

  // The data is embedded once and equals results.json.
  const embedded = await page.locator('#scaletest-results').textContent()
  expect(JSON.parse(embedded!)).toEqual(results)
  expect(await page.locator('script#scaletest-results').count()).toBe(1)

  // One latency chart per series with samples, one distribution per series, one per counter/gauge.
  const ts = results.timeseries!
  expect(ts.starts.length).toBeGreaterThan(0)
  // Every sample is in exactly one interval: 3 admins × 3 deletions × (websocket + email).
  const perInterval = Object.values(ts.metrics[LATENCY]!.series).flatMap(
    (s) => (s as { count: number[] }).count,
  )
  expect(perInterval.reduce((a, b) => a + b, 0)).toBe(18)
  const latencyCharts = Object.values(ts.metrics)
    .filter((m) => m.type === 'histogram')
    .flatMap((m) => m.series)
    .filter((s) => (s as { count: number[] }).count.some((c) => c > 0)).length
  const distributionCharts = Object.values(results.distributions).flat().length
  const valueCharts = Object.values(ts.metrics).filter(
    (m) => m.type !== 'histogram' && m.series.length > 0,
  ).length
  expect(latencyCharts).toBeGreaterThan(0)
  const sizes = await page
    .locator('.chart canvas')
    .evaluateAll((canvases) =>
      canvases.map((c) => [
        (c as unknown as { width: number }).width,
        (c as unknown as { height: number }).height,
      ]),
    )
  expect(sizes).toHaveLength(latencyCharts + distributionCharts + valueCharts)
  for (const [w, h] of sizes) expect(w! * h!).toBeGreaterThan(0)

  // Verdict, thresholds with measured values, summary numbers.
  expect(await page.locator('#verdict').textContent()).toBe(results.thresholds.ok ? 'PASSED' : 'FAILED')
  const rows = await page.locator('#thresholds-table tr[data-ok]').evaluateAll((trs) =>
    trs.map((tr) => ({
      ok: tr.getAttribute('data-ok'),
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      value: tr.querySelector('td.num')?.getAttribute('data-value'),
    })),
  )
  expect(rows).toHaveLength(results.thresholds.results.length)
  results.thresholds.results.forEach((r, i) => {
    expect(rows[i]).toMatchObject({ ok: String(r.ok), value: String(r.actual) })
    expect(rows[i]!.cells.slice(1, 4)).toEqual([r.selector, r.expression, formatNumber(r.actual!)])
  })
  for (const s of results.summary[LATENCY]!) {
    const id = `${LATENCY}{${Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}}`
    const cells = await page
      .locator(`#histogram-table tr[data-series='${id}'] td.num`)
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')))
    const stats = s.stats as Record<string, number>
    expect(cells).toEqual(['count', 'p50', 'p90', 'p95', 'p99', 'max'].map((k) => String(stats[k])))
  }
  // Barriers: both of the scenario opened with every party arrived; the table shows their waits.
  const barriers = results.tests.flatMap((t) => t.barriers ?? [])
  expect(barriers.map((b) => [b.name, b.state, b.arrived === b.size])).toEqual([
    ['dial', 'open', true],
    ['receiving-watch', 'open', true],
  ])
  const barrierWaits = await page
    .locator('#barriers-table tr td:nth-child(7)')
    .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')))
  expect(barrierWaits).toEqual(barriers.map((b) => String(b.waits.count)))
  expect(barriers[0]!.waits.count).toBeGreaterThan(0)
  // Runs: all ten; provenance names the scenario and the target.
  expect(await page.locator('#runs-count').textContent()).toBe('10 of 10 runs')
  const provenance = await page.locator('#provenance').textContent()
  expect(provenance).toContain('notifications/notifications.scale.test.ts')
  expect(provenance).toContain(target.coderd.url)
  expect(provenance).not.toContain(target.sessionToken)

  const screenshot = join(target.outputDir, 'report.png')
  await page.screenshot({ path: screenshot, fullPage: true })
  expect((await stat(screenshot)).size).toBeGreaterThan(10_000)
  await annotate('report.html of a notifications run', { path: screenshot, contentType: 'image/png' })
  await page.close()
}, 120_000)

it('flags a p99 regression against a faster baseline on the page and in the summary', async () => {
  const target = await startTarget({ delayMs: 2500 })
  // The baseline: the same results with every latency a tenth as long.
  const first = runScenario(target, {})
  expect((await first.exited).code).toBe(0)
  const baseline = await target.results()
  for (const series of baseline.summary[LATENCY]!) {
    const stats = series.stats as Record<string, number>
    for (const k of ['p50', 'p90', 'p95', 'p99', 'max']) stats[k] = stats[k]! / 10
  }
  const baselinePath = join(target.outputDir, 'baseline.json')
  await writeFile(baselinePath, JSON.stringify(baseline))

  const second = runScenario(target, {
    SCALETEST_BASELINE: baselinePath,
    SCALETEST_BASELINE_TOLERANCE: '25%',
  })
  const { code, output } = await second.exited
  expect(code, output).toBe(0) // a regression is reported; only a change(...) threshold fails the run
  expect(output).toMatch(/baseline: .*baseline\.json \(tolerance 25%\): [1-9]\d* regression\(s\)/)
  expect(output).toMatch(new RegExp(`${LATENCY}\\{.*REGRESSION`))
  const results = await target.results()
  expect(results.baseline!.regressions).toBeGreaterThan(0)

  const { page, errors, requests } = await browser.open(join(target.outputDir, 'report.html'))
  expect(errors).toEqual([])
  expect(requests).toEqual([])
  expect(await page.locator('#baseline-verdict').textContent()).toMatch(/^[1-9]\d* regression\(s\) past 25%/)
  expect(await page.locator('#baseline-table tr.bad').count()).toBe(results.baseline!.regressions)
  expect(await page.locator('#baseline-table .regression').first().textContent()).toBe('REGRESSION')
  await page.close()
}, 180_000)

interface Results {
  thresholds: {
    ok: boolean
    results: { selector: string; expression: string; ok: boolean; actual: number | null }[]
  }
  summary: Record<
    string,
    { labels: Record<string, string>; stats: Record<string, number> | { value: number } }[]
  >
  timeseries?: { starts: number[]; metrics: Record<string, { type: string; series: unknown[] }> }
  distributions: Record<string, unknown[]>
  baseline?: { regressions: number }
  tests: {
    barriers?: { name: string; state: string; arrived: number; size: number; waits: { count: number } }[]
  }[]
}

const startTarget = (faults: NotificationFaults) => startNotificationsTarget<Results>(faults, teardown)
const runScenario = (target: NotificationsTarget<Results>, env: NodeJS.ProcessEnv) =>
  runNotificationsScenario(target, { SCALETEST_REPORT_INTERVAL: '250ms', ...env })
