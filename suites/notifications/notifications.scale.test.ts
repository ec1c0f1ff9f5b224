// Template deletion reaches every template admin, by inbox websocket and by email, while every
// other user holds an idle inbox socket. Rebuilds `coder exp scaletest notifications`.

import { randomBytes } from 'node:crypto'

import {
  concurrent,
  expect,
  type HarnessResults,
  SharedHttpPool,
  scaleTest,
  TEMPLATE_DELETED_NOTIFICATION_ID,
} from '@scaletest/vitest'
import { loadNotificationsConfig } from './config.ts'
import { limit } from './runner/limit.ts'
import { LATENCY_METRIC, MISSED_METRIC, notificationMetrics } from './runner/metrics.ts'
import { notificationRunner, SMTP_RECEIPTS, WEBSOCKET_RECEIPTS } from './runner/run.ts'
import { deleteLeftoverTemplates, deleteTemplatesBackToBack } from './trigger.ts'

scaleTest(
  'template deletion reaches every template admin by websocket and email',
  async ({ coder, mocks, harness, barrier, metrics, logger, onTestFinished }) => {
    const config = loadNotificationsConfig(process.env, mocks.smtpApiUrl)
    const runTag = randomBytes(4).toString('hex')
    const templateTag = runTag.slice(0, 4) // Coder caps template names at 32 characters
    logger.info(
      `notifications: ${config.userCount} users, ${config.templateAdminCount} template admins, ` +
        `${config.templateDeletionCount} deletion(s), email path ${config.smtpApiUrl ? 'on' : 'off'}`,
    )
    const timeoutSeconds = config.notificationTimeoutMs / 1000
    metrics.thresholds({
      [MISSED_METRIC]: ['count==0'],
      [LATENCY_METRIC]: [`p(99)<${timeoutSeconds}`],
    })
    const events = notificationMetrics(metrics, config.smtpApiUrl ? ['websocket', 'smtp'] : ['websocket'])

    const organization = await coder.defaultOrganization()
    const smtpPool = new SharedHttpPool({ connections: 512 })
    onTestFinished(() => smtpPool.close())
    onTestFinished(async () => {
      const failed = await deleteLeftoverTemplates(coder, templateTag)
      if (failed.length > 0) logger.warn(`could not delete leftover templates: ${failed.join(', ')}`)
    })

    const dialed = barrier(config.userCount, { name: 'dial', timeoutMs: config.dialTimeoutMs + 30_000 })
    const received = barrier(config.templateAdminCount, { name: 'receiving-watch' })
    let trigger!: { resolve: (at: number) => void; reject: (error: unknown) => void }
    const triggered = new Promise<number>((resolve, reject) => {
      trigger = { resolve, reject }
    })
    triggered.catch(() => {})
    const deps = {
      owner: coder,
      metrics: events,
      setupSlot: limit(config.setupConcurrency),
      dialed,
      received,
      triggered,
    }

    for (let i = 0; i < config.userCount; i++) {
      const isTemplateAdmin = i < config.templateAdminCount
      harness.add(
        'notifications',
        String(i),
        notificationRunner(
          {
            isTemplateAdmin,
            expectedDeletions: config.templateDeletionCount,
            organizationId: organization.id,
            runTag,
            dialTimeoutMs: config.dialTimeoutMs,
            notificationTimeoutMs: config.notificationTimeoutMs,
            ...(config.smtpApiUrl && {
              smtp: {
                apiUrl: config.smtpApiUrl,
                client: smtpPool.client({ retry: { retries: 3 } }),
                pollIntervalMs: config.smtpPollIntervalMs,
                requestTimeoutMs: config.smtpRequestTimeoutMs,
              },
            }),
          },
          deps,
        ),
      )
    }
    // Every runner must be running at once: the barriers wait for all of them.
    const run = harness.run(concurrent())

    try {
      await dialed.wait()
      logger.info('every user is connected; triggering')
      trigger.resolve(
        await deleteTemplatesBackToBack(coder, {
          organizationId: organization.id,
          count: config.templateDeletionCount,
          runTag: templateTag,
          log: (m) => logger.info(m),
        }),
      )
    } catch (error) {
      trigger.reject(error)
      harness.abort(`trigger failed: ${(error as Error).message}`)
    }
    const results = await run
    recordLatencies(results, await triggered.catch(() => undefined), events)

    expect(results).toHaveNoFailures()
  },
)

/** Latency = receipt − trigger per receipt, for runs that passed (as Coder computes it). */
function recordLatencies(
  results: HarnessResults,
  triggeredAt: number | undefined,
  events: ReturnType<typeof notificationMetrics>,
): void {
  if (triggeredAt === undefined) return
  for (const run of Object.values(results.runs)) {
    if (run.error !== null || !run.metrics) continue
    for (const [key, type] of [
      [WEBSOCKET_RECEIPTS, 'websocket'],
      [SMTP_RECEIPTS, 'smtp'],
    ] as const) {
      for (const at of (run.metrics[key] as string[] | undefined) ?? []) {
        events.recordLatency((Date.parse(at) - triggeredAt) / 1000, TEMPLATE_DELETED_NOTIFICATION_ID, type)
      }
    }
  }
}
