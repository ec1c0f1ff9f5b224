// Opens a report.html in the machine's Debian Chromium (headless, no browser download), recording
// console errors, page errors and every request other than the page itself (each one aborted).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import { type BrowserContext, chromium, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

export interface OpenedReport {
  page: Page
  /** Console errors and uncaught page errors. */
  errors: string[]
  /** URLs the page tried to fetch besides itself. */
  requests: string[]
  /** Time from navigation to the page's script having drawn (window.scaletestReport set). */
  openMs: number
}

export interface ReportBrowser {
  /** A report.html path, or the http URL of the live page. */
  open(htmlPathOrUrl: string): Promise<OpenedReport>
  close(): Promise<void>
}

export async function launchReportBrowser(): Promise<ReportBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'scaletest-chromium-'))
  // A fresh profile (--user-data-dir) per launch: playwright passes it for a persistent context.
  const browser: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    async open(htmlPathOrUrl) {
      const page = await browser.newPage()
      const url = /^https?:/.test(htmlPathOrUrl) ? htmlPathOrUrl : pathToFileURL(htmlPathOrUrl).href
      const errors: string[] = []
      const requests: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      page.on('pageerror', (e) => errors.push(String(e)))
      await page.route('**/*', (route) => {
        const requested = route.request().url()
        if (requested === url) return route.continue()
        requests.push(requested)
        return route.abort()
      })
      const started = performance.now()
      await page.goto(url, { waitUntil: 'load' })
      await page.waitForFunction(
        () => (globalThis as { scaletestReport?: unknown }).scaletestReport !== undefined,
      )
      return { page, errors, requests, openMs: performance.now() - started }
    },
    async close() {
      await browser.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}
