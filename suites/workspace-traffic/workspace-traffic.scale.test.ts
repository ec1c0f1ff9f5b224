// Steady bytes through coderd to scaletest workspaces, both ways, every tick: over reconnecting
// PTY, or with CODER_SCALETEST_WORKSPACE_TRAFFIC_APP over a WebSocket to a workspace app. Rebuilds
// `coder exp scaletest workspace-traffic` (PTY and --app modes): it targets the existing
// scaletest-* workspaces, or builds a small fleet when there are none (the simulator).

import {
  buildFleet,
  concurrent,
  expect,
  firstAgent,
  listScaletestWorkspaces,
  resolveTemplate,
  scaleTest,
  sliceTargets,
  type Workspace,
} from '@scaletest/vitest'
import { loadWorkspaceTrafficConfig } from './config.ts'
import { appTarget } from './runner/app-target.ts'
import { READ_ERRORS, trafficMetrics, WRITE_ERRORS } from './runner/metrics.ts'
import { type TrafficTotals, trafficRunner } from './runner/run.ts'

scaleTest(
  'sends bytes to every targeted workspace over reconnecting PTY or to its app and reads them back',
  async ({ coder, mocks, harness, metrics, logger, onTestFinished }) => {
    const config = loadWorkspaceTrafficConfig(process.env)
    const me = await coder.me()
    const template = config.template
      ? (await resolveTemplate(coder, config.template, me.organization_ids)).name
      : undefined

    // 1. The targets: existing scaletest workspaces, or a fleet of our own when there are none.
    let workspaces: Workspace[] = await listScaletestWorkspaces(coder, template ? { template } : {})
    // Who dials each workspace: the session user, as Coder. Path-based apps open to their
    // workspace's owner only (site owners too with coderd's dangerous path-app site-owner access),
    // so in app mode the runs on a fleet of our own dial as its members.
    const dialAs = new Map<string, string>()
    if (workspaces.length === 0 && config.fleetCount > 0) {
      logger.info(`no scaletest workspaces: building a fleet of ${config.fleetCount}`)
      const fleet = await buildFleet(coder, {
        count: config.fleetCount,
        organizationId: me.organization_ids[0]!,
        log: (m) => logger.info(m),
      })
      onTestFinished(() => fleet.close())
      workspaces = fleet.members.map((m) => m.workspace)
      if (config.app)
        for (const member of fleet.members)
          dialAs.set(member.workspace.id, (await member.client.createToken({ lifetime: 0 })).key)
    }
    const targeted = sliceTargets(workspaces, config.targets)
    metrics.thresholds({ [READ_ERRORS]: ['count==0'], [WRITE_ERRORS]: ['count==0'] })
    const traffic = trafficMetrics(metrics)

    // 2. One runner per workspace with an agent, each on its own connections, all at once. In app
    //    mode every workspace's app is resolved first: a missing or subdomain app fails the run.
    let skipped = 0
    for (const [index, workspace] of targeted.entries()) {
      const agent = firstAgent(workspace)
      if (!agent) {
        logger.warn(`skipping workspace ${workspace.name}: no agent`)
        skipped++
        continue
      }
      const target = config.app
        ? appTarget(coder.url, workspace, agent, config.app)
        : ({ kind: 'pty', agentId: agent.id } as const)
      const runMetrics = traffic.forRun({
        username: workspace.owner_name,
        workspace_name: workspace.name,
        agent_name: agent.name,
      })
      const runner = trafficRunner(
        {
          target,
          bytesPerTick: config.bytesPerTick,
          tickIntervalMs: config.tickIntervalMs,
          durationMs: config.durationMs,
        },
        {
          owner: coder,
          sessionToken: dialAs.get(workspace.id) ?? mocks.coderSessionToken ?? '',
          metrics: runMetrics,
        },
      )
      harness.add('workspace-traffic', String(index), runner)
    }
    logger.info(
      `workspace-traffic: ${targeted.length - skipped} workspace(s) over ${config.app ? `app ${config.app}` : 'reconnecting PTY'}, ${config.bytesPerTick} bytes per ` +
        `${config.tickIntervalMs}ms for ${config.durationMs}ms`,
    )
    // All at once, as Coder's generator pods run it (--concurrency=0).
    const results = await harness.run(concurrent())
    expect(results).toHaveNoFailures()

    // 3. Every run wrote its ticks and read its echo back (the PTY's a byte more per tick).
    const totals = Object.values(results.runs).map((r) => r.metrics as unknown as TrafficTotals)
    expect(totals).toHaveLength(targeted.length - skipped)
    for (const m of totals) {
      expect(m.total_bytes_written).toBeGreaterThan(0)
      expect(m.total_bytes_read).toBeGreaterThanOrEqual(m.total_bytes_written)
    }
    const read = totals.reduce((n, m) => n + m.total_bytes_read, 0)
    const written = totals.reduce((n, m) => n + m.total_bytes_written, 0)
    const late = totals.reduce((n, m) => n + m.late_ticks, 0)
    logger.info(`workspace-traffic: ${written} bytes written, ${read} read, ${late} late tick(s)`)
  },
)
