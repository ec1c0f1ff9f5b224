// Coder Connect clients, one per user, each following the user's workspace-updates stream while
// the users create workspaces: measures how soon a new workspace shows up on it. Power users own
// several workspaces, regular users one. Rebuilds `coder exp scaletest workspace-updates`.

import { randomBytes } from 'node:crypto'

import { concurrent, expect, SimulatorControl, scaleTest, scaletestTemplateForTest } from '@scaletest/vitest'
import { loadWorkspaceUpdatesConfig } from './config.ts'
import { ERRORS_METRIC, LATENCY_METRIC, workspaceUpdatesMetrics } from './runner/metrics.ts'
import { workspaceUpdatesRunner } from './runner/run.ts'

scaleTest(
  'every Coder Connect client sees its new workspaces on the workspace-updates stream',
  async ({ coder, harness, barrier, metrics, logger, onTestFinished, signal }) => {
    const config = loadWorkspaceUpdatesConfig(process.env)
    const { plan } = config
    // Coder serves this stream as dRPC over yamux; the JSON carriage here is the simulator's.
    if (!(await SimulatorControl.probe(coder.url, signal)))
      throw new Error(
        "the workspace-updates stream is Coder's tailnet dRPC, which this toolkit does not speak yet: " +
          'run this scenario against the coderd simulator',
      )
    logger.info(
      `workspace-updates: ${plan.totalWorkspaces} workspaces; ${plan.powerUsers} power user(s) with ` +
        `${plan.powerUserWorkspaces} each, ${plan.regularUsers} regular user(s) with 1`,
    )
    metrics.thresholds({
      [ERRORS_METRIC]: ['count==0'],
      [LATENCY_METRIC]: ['p(99)<5'],
    })
    const owned = [
      ...Array.from({ length: plan.powerUsers }, () => plan.powerUserWorkspaces),
      ...Array.from({ length: plan.regularUsers }, () => 1),
    ]
    const events = workspaceUpdatesMetrics(metrics, owned)

    const runTag = randomBytes(4).toString('hex')
    const organization = await coder.defaultOrganization()
    const template = await scaletestTemplateForTest(
      coder,
      { organizationId: organization.id, ref: config.template, tag: runTag, signal },
      { onTestFinished, logger },
    )

    // Every client dials, waits at the dial barrier, then its user creates its workspaces.
    const deps = { owner: coder, metrics: events, dialed: barrier(owned.length, { name: 'dial' }) }
    for (const [i, workspaceCount] of owned.entries()) {
      const runner = workspaceUpdatesRunner(
        {
          organizationId: organization.id,
          templateId: template.id,
          runTag,
          workspaceCount,
          dialTimeoutMs: config.dialTimeoutMs,
          workspaceUpdatesTimeoutMs: config.workspaceUpdatesTimeoutMs,
        },
        deps,
      )
      harness.add(`workspaceupdates-${workspaceCount}w`, String(i), runner)
    }
    const results = await harness.run(concurrent())
    expect(results).toHaveNoFailures()
  },
)
