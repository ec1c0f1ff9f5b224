// Template deletion reaches every template admin, by inbox websocket and by email, while every
// other user holds an idle inbox socket. Rebuilds `coder exp scaletest notifications`.

import { randomBytes } from 'node:crypto'

import { concurrent, expect, SharedHttpPool, scaleTest } from '@scaletest/vitest'
import { loadNotificationsConfig } from './config.ts'
import { recordLatencies } from './runner/latency.ts'
import { limit } from './runner/limit.ts'
import { LATENCY_METRIC, MISSED_METRIC, notificationMetrics } from './runner/metrics.ts'
import { notificationRunner } from './runner/run.ts'
import { deleteLeftoverTemplates, deleteTemplatesBackToBack } from './trigger.ts'

scaleTest(
  'template deletion reaches every template admin by websocket and email',
  async ({ coder, mocks, harness, barrier, latch, shard, metrics, logger, onTestFinished }) => {
    const config = loadNotificationsConfig(process.env, mocks.smtpApiUrl)
    const runTag = randomBytes(4).toString('hex')
    const templateTag = runTag.slice(0, 4) // Coder caps template names at 32 characters
    logger.info(
      `notifications: ${config.userCount} users, ${config.templateAdminCount} template admins, ` +
        `${config.templateDeletionCount} deletion(s), email path ${config.smtpApiUrl ? 'on' : 'off'}` +
        (shard.count > 1 ? `, shard ${shard.index}/${shard.count} of run ${shard.runId}` : ''),
    )
    metrics.thresholds({
      [MISSED_METRIC]: ['count==0'],
      [LATENCY_METRIC]: [`p(99)<${config.notificationTimeoutMs / 1000}`],
    })
    const events = notificationMetrics(metrics, config.smtpApiUrl ? ['websocket', 'smtp'] : ['websocket'])

    const organization = await coder.defaultOrganization()
    const smtpPool = new SharedHttpPool({ connections: 512 })
    onTestFinished(() => smtpPool.close())
    onTestFinished(async () => {
      if (!shard.leader) return // the leader made the templates
      const failed = await deleteLeftoverTemplates(coder, templateTag)
      if (failed.length > 0) logger.warn(`could not delete leftover templates: ${failed.join(', ')}`)
    })

    // 1. Every user connects (a run that fails leaves the barriers by itself). On a shard of several,
    // the harness keeps this shard's share of the runs and the barriers span every shard.
    const deps = {
      owner: coder,
      metrics: events,
      setupSlot: limit(config.setupConcurrency),
      // No barrier timeout: every run's setup and dial are bounded, and a failed run leaves.
      dialed: barrier(config.userCount, { name: 'dial' }),
      received: barrier(config.templateAdminCount, { name: 'receiving-watch' }),
      triggered: latch<number>({ name: 'trigger' }),
    }
    const smtp = config.smtpApiUrl && {
      apiUrl: config.smtpApiUrl,
      client: smtpPool.client({ retry: { retries: 3 } }),
      pollIntervalMs: config.smtpPollIntervalMs,
      requestTimeoutMs: config.smtpRequestTimeoutMs,
    }
    for (let i = 0; i < config.userCount; i++) {
      const runner = notificationRunner(
        {
          isTemplateAdmin: i < config.templateAdminCount,
          expectedDeletions: config.templateDeletionCount,
          organizationId: organization.id,
          runTag,
          dialTimeoutMs: config.dialTimeoutMs,
          notificationTimeoutMs: config.notificationTimeoutMs,
          ...(smtp && { smtp }),
        },
        deps,
      )
      harness.add('notifications', String(i), runner)
    }
    const run = harness.run(concurrent()) // all at once: the barriers wait for every runner

    // 2. Once all are connected, the leader deletes templates back to back; 3. receivers wait.
    if (shard.leader) {
      try {
        await deps.dialed.wait()
        logger.info('every user is connected; triggering')
        const options = {
          organizationId: organization.id,
          count: config.templateDeletionCount,
          runTag: templateTag,
        }
        deps.triggered.set(await deleteTemplatesBackToBack(coder, { ...options, log: (m) => logger.info(m) }))
      } catch (error) {
        deps.triggered.fail(error)
        harness.abort(`trigger failed: ${(error as Error).message}`)
      }
    }
    const results = await run
    recordLatencies(results, deps.triggered.value, events)

    expect(results).toHaveNoFailures()
  },
)
