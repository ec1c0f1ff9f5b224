// AI agents reporting task status: external-agent workspaces whose app reports its status as the
// agent every period; measures how soon each report shows on the workspace watch as the
// workspace's latest app status. Rebuilds `coder exp scaletest task-status`.

import { setTimeout as sleep } from 'node:timers/promises'

import {
  concurrent,
  expect,
  externalAgentAppTemplateTf,
  Latch,
  randomTag,
  scaleTest,
  scaletestTemplateForTest,
} from '@scaletest/vitest'
import { loadTaskStatusConfig } from './config.ts'
import { LATENCY_METRIC, MISSING_METRIC, REPORT_ERRORS_METRIC, taskStatusMetrics } from './runner/metrics.ts'
import { taskStatusRunner } from './runner/run.ts'

/** Coder's CLI gives the runners five minutes to connect. */
const CONNECT_TIMEOUT_MS = 5 * 60_000

scaleTest(
  'every status an agent reports shows on its workspace watch',
  async ({ coder, harness, barrier, metrics, logger, onTestFinished, signal }) => {
    const config = loadTaskStatusConfig(process.env)
    logger.info(
      `task-status: ${config.count} workspaces, a report every ${config.reportStatusPeriodMs / 1000}s ` +
        `for ${config.reportStatusDurationMs / 1000}s after a ${config.baselineDurationMs / 1000}s baseline`,
    )
    metrics.thresholds({
      [REPORT_ERRORS_METRIC]: ['count==0'],
      [MISSING_METRIC]: ['count==0'],
      [LATENCY_METRIC]: ['p(99)<2'],
    })
    const events = taskStatusMetrics(metrics)

    // The template: the one named, or an external agent with the app, made for this run.
    const organization = await coder.defaultOrganization()
    const template = await scaletestTemplateForTest(
      coder,
      {
        organizationId: organization.id,
        ref: config.template,
        tag: `ts-${randomTag()}`,
        mainTf: externalAgentAppTemplateTf(config.appSlug),
        signal,
      },
      { onTestFinished, logger },
    )

    // 1. Every runner creates its workspace, takes the agent token and opens the workspace watch.
    const deps = {
      owner: coder,
      metrics: events,
      connected: barrier(config.count, { name: 'connected' }),
      startReporting: new Latch<void>({ name: 'start-reporting' }),
    }
    for (let i = 0; i < config.count; i++) {
      const workspaceName = `${config.workspaceNamePrefix}-${i}`
      const runner = taskStatusRunner(
        {
          templateId: template.id,
          workspaceName,
          appSlug: config.appSlug,
          reportStatusPeriodMs: config.reportStatusPeriodMs,
          reportStatusDurationMs: config.reportStatusDurationMs,
          updateTimeoutMs: config.updateTimeoutMs,
        },
        deps,
      )
      harness.add('task-status', workspaceName, runner)
    }
    const run = harness.run(concurrent())

    // 2. Connected barrier, 3. the baseline, 4. every runner reports until the duration is over.
    try {
      await deps.connected.wait({ timeoutMs: CONNECT_TIMEOUT_MS, signal })
      logger.info(`all runners connected; waiting the ${config.baselineDurationMs / 1000}s baseline`)
      await sleep(config.baselineDurationMs, undefined, { signal })
      logger.info('triggering runners to start reporting task status')
      deps.startReporting.set()
    } catch (error) {
      deps.startReporting.fail(error)
      harness.abort(`trigger failed: ${(error as Error).message}`)
    }
    const results = await run
    expect(results).toHaveNoFailures()
  },
)
