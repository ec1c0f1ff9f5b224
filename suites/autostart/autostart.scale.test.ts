// A thundering herd of autostarts: every workspace stopped, then all scheduled for the same
// minute; measures how long the deployment takes to create, hand out and finish the autostart
// builds. Rebuilds `coder exp scaletest autostart` (watch-all revision). Against the coderd
// simulator the scenario runs the executor at the scheduled instant itself, so no minutes pass.

import { randomBytes } from 'node:crypto'

import {
  ConfigError,
  concurrent,
  expect,
  Latch,
  SimulatorControl,
  scaleTest,
  scaletestTemplateForTest,
  WORKSPACE_BUILD_UPDATES_EXPERIMENT,
} from '@scaletest/vitest'
import { autostartInstant, loadAutostartConfig } from './config.ts'
import { WorkspaceDispatcher } from './runner/dispatcher.ts'
import { autostartMetrics, ERRORS_METRIC, JOB_CREATION_METRIC, TOTAL_METRIC } from './runner/metrics.ts'
import { autostartRunner } from './runner/run.ts'

/** What the deployment may take beyond its executor tick to create an autostart build. */
const CREATION_SLACK_S = 5

scaleTest(
  'a stopped fleet scheduled for one minute autostarts within the executor tick',
  async ({ coder, harness, barrier, metrics, logger, onTestFinished, signal }) => {
    const config = loadAutostartConfig(process.env)
    const simulator = await SimulatorControl.probe(coder.url, signal)
    if (config.clock === 'simulated' && !simulator)
      throw new ConfigError(
        ['SCALETEST_AUTOSTART_CLOCK'],
        'SCALETEST_AUTOSTART_CLOCK=simulated needs the coderd simulator as the target',
      )
    // The executor this run ticks itself, or none: the deployment's own comes at the minute.
    const control = config.clock === 'real' ? undefined : simulator
    const simulated = control !== undefined
    if (!(await coder.experiments(signal)).includes(WORKSPACE_BUILD_UPDATES_EXPERIMENT))
      throw new Error(
        `the deployment has not enabled the '${WORKSPACE_BUILD_UPDATES_EXPERIMENT}' experiment this scenario follows builds with; ` +
          `start coderd with CODER_EXPERIMENTS=${WORKSPACE_BUILD_UPDATES_EXPERIMENT}`,
      )
    if (!config.template && !simulator)
      throw new ConfigError(
        ['CODER_SCALETEST_TEMPLATE'],
        'CODER_SCALETEST_TEMPLATE (name or id) is required against a real deployment',
      )
    logger.info(
      `autostart: ${config.workspaceCount} workspaces, delay ${config.autostartDelayMs / 1000}s, ` +
        `clock ${simulated ? 'simulated (the scenario ticks the executor)' : 'real (waits for the executor)'}`,
    )

    // Coder's executor ticks every CODER_AUTOBUILD_POLL_INTERVAL; ticked here, it runs at once.
    const creationBudgetS = (simulated ? 0 : config.autobuildPollIntervalMs / 1000) + CREATION_SLACK_S
    metrics.thresholds({
      [ERRORS_METRIC]: ['count==0'],
      [JOB_CREATION_METRIC]: [`p(99)<${creationBudgetS}`],
      [TOTAL_METRIC]: [`p(99)<${creationBudgetS + config.workspaceJobTimeoutMs / 1000}`],
    })
    const events = autostartMetrics(metrics)

    const runTag = randomBytes(4).toString('hex')
    const organization = await coder.defaultOrganization()
    const template = await scaletestTemplateForTest(
      coder,
      { organizationId: organization.id, ref: config.template, tag: runTag, signal },
      { onTestFinished, logger },
    )

    // 1. One watch-all stream for every runner's builds.
    const stream = await coder.watchAllWorkspaceBuilds({ signal }).catch((cause: unknown) => {
      events.addError('watch_workspace')
      throw cause
    })
    onTestFinished(() => stream.close())
    const deps = {
      owner: coder,
      dispatcher: new WorkspaceDispatcher(stream),
      metrics: events,
      setup: barrier(config.workspaceCount, { name: 'setup' }),
      scheduleAt: new Latch<Date>({ name: 'schedule-at' }),
      scheduled: barrier(config.workspaceCount, { name: 'scheduled' }),
      triggered: new Latch<number>({ name: 'autostart-time' }),
    }

    // 2. Every runner creates, starts and stops its workspace.
    for (let i = 0; i < config.workspaceCount; i++) {
      const runner = autostartRunner(
        {
          organizationId: organization.id,
          templateId: template.id,
          runTag,
          workspaceJobTimeoutMs: config.workspaceJobTimeoutMs,
          autostartTimeoutMs: config.autostartTimeoutMs,
        },
        deps,
      )
      harness.add('autostart', String(i), runner)
    }
    const run = harness.run(concurrent())

    // 3. Once all are stopped, every one is scheduled for the same minute; 4. the minute comes.
    try {
      await deps.setup.wait()
      const at = autostartInstant(Date.now(), config.autostartDelayMs)
      logger.info(`every workspace is stopped; scheduling the autostart for ${at.toISOString()}`)
      deps.scheduleAt.set(at)
      await deps.scheduled.wait()
      if (control) {
        deps.triggered.set(Date.now())
        const started = await control.tickAutobuild(at, signal)
        logger.info(`ran the executor at ${at.toISOString()}: ${started} autostart build(s)`)
      } else {
        deps.triggered.set(at.getTime())
        logger.info(`waiting for the deployment's executor to reach ${at.toISOString()}`)
      }
    } catch (error) {
      deps.scheduleAt.fail(error)
      deps.triggered.fail(error)
      harness.abort(`trigger failed: ${(error as Error).message}`)
    }
    const results = await run
    expect(results).toHaveNoFailures()
  },
)
