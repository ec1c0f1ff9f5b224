// One task-status runner per external-agent workspace (Coder: scaletest/taskstatus/run.go). It
// creates the workspace as the owner, takes its external agent's token, opens the workspace watch
// and waits with every other runner; once told to start, it reports the app's status as the agent
// every period and times each report until the watch shows it as the workspace's latest status.

import { setTimeout as sleep } from 'node:timers/promises'

import type { Barrier, CoderClient, CoderStream, Runner, Workspace } from '@scaletest/vitest'
import { deleteWorkspaceAfterBuild, Latch, WaitBufferError } from '@scaletest/vitest'
import type { TaskStatusMetrics } from './metrics.ts'

/** Coder's message prefix; the number after it names the report. */
export const STATUS_UPDATE_PREFIX = 'scaletest status update:'
const STATUS_URI = 'https://example.com/example-status/'

export interface TaskStatusRunnerConfig {
  templateId: string
  workspaceName: string
  appSlug: string
  reportStatusPeriodMs: number
  reportStatusDurationMs: number
  updateTimeoutMs: number
}

export interface TaskStatusRunnerDeps {
  /** The owner's client; each runner duplicates it onto its own connections, as Coder's CLI does. */
  owner: CoderClient
  metrics: TaskStatusMetrics
  /** Every runner's workspace watch is open. */
  connected: Barrier
  /** Set once the baseline after the connected barrier has passed. */
  startReporting: Latch<void>
}

/** The report number in a status message of ours, or undefined (Coder: parseStatusMessage). */
export function parseStatusMessage(message: string | undefined): number | undefined {
  if (!message?.startsWith(STATUS_UPDATE_PREFIX)) return undefined
  const rest = message.slice(STATUS_UPDATE_PREFIX.length)
  return /^[+-]?\d+$/.test(rest) ? Number(rest) : undefined
}

export function taskStatusRunner(config: TaskStatusRunnerConfig, deps: TaskStatusRunnerDeps) {
  let client: CoderClient | undefined
  let workspaceId: string | undefined
  /** Report number → when it was sent; deleted once the watch showed it. */
  const reportTimes = new Map<number, number>()
  const counts = { reported: 0, seen: 0, missing: 0, report_errors: 0 }
  let doneReporting = false
  /** Set once the last report is sent and the watch showed every one; failed if the watch fails. */
  const allShown = new Latch<void>({ name: 'status updates' })
  const check = () => {
    if (doneReporting && reportTimes.size === 0) allShown.set()
  }

  return {
    async run({ signal, log }) {
      using connected = deps.connected.join(signal)
      client = deps.owner.duplicate()
      const workspace = await client.createWorkspace(
        { name: config.workspaceName, template_id: config.templateId },
        'me',
        signal,
      )
      workspaceId = workspace.id
      log(`created external workspace ${workspace.name}`)
      await client.waitForBuild(workspace.latest_build.id, { intervalMs: 250, signal })
      const agent = client.withSessionToken(await agentToken(client, workspace.id, signal))
      log('got the external agent token')

      await using stream = await client.watchWorkspace(workspace.id, { signal })
      connected.arrive()
      watch(stream, signal).catch((error: unknown) => allShown.fail(error))

      await deps.startReporting.wait({ signal })
      log('starting to report task status')
      try {
        await report(agent, signal)
        log(`reported ${counts.reported} statuses (${counts.report_errors} failed)`)
        check()
        await allShown.wait({ timeoutMs: config.updateTimeoutMs, signal }).catch((error: unknown) => {
          if (signal.aborted) throw signal.reason
          if (error instanceof WaitBufferError && error.code === 'SCALETEST_WAIT_TIMEOUT')
            throw new Error(
              `${reportTimes.size} of ${counts.reported} status updates never showed on the workspace watch ` +
                `within ${config.updateTimeoutMs}ms of the last report`,
            )
          throw error
        })
      } finally {
        // Coder counts what the watch never showed when the watcher stops, for whatever reason.
        counts.missing = reportTimes.size
        deps.metrics.addMissing(reportTimes.size)
      }
      log(`the watch showed all ${counts.seen} statuses`)
    },

    async cleanup({ signal, log }) {
      if (client && workspaceId) {
        await deleteWorkspaceAfterBuild(client, workspaceId, { signal })
        log('deleted workspace')
      }
      await client?.close()
    },

    metrics() {
      return { ...counts }
    },
  } satisfies Runner

  /** One report a period, the first a period after the start (Coder's TickerFunc), until the duration is past. */
  async function report(agent: CoderClient, signal: AbortSignal): Promise<void> {
    const started = Date.now()
    for (let msgNo = 0; !doneReporting; msgNo++) {
      await sleep(Math.max(0, started + (msgNo + 1) * config.reportStatusPeriodMs - Date.now()), undefined, {
        signal,
      })
      const now = Date.now()
      reportTimes.set(msgNo, now)
      // Set with the last report, before it is sent, so the watcher knows no more are coming.
      doneReporting = now > started + config.reportStatusDurationMs
      try {
        await agent.patchAppStatus(
          {
            app_slug: config.appSlug,
            state: 'working',
            message: `${STATUS_UPDATE_PREFIX}${msgNo}`,
            uri: STATUS_URI,
          },
          signal,
        )
        counts.reported++
      } catch (error) {
        if (signal.aborted) throw error
        // A report that failed is counted here, not again as missing.
        reportTimes.delete(msgNo)
        counts.report_errors++
        deps.metrics.addReportError()
      }
    }
  }

  /**
   * Reads the watch: each workspace whose latest status is a report of ours not yet seen times that
   * report. A workspace re-sent with a status already seen is skipped (Coder's runner would fail);
   * a number never reported is an error, as in Coder.
   */
  async function watch(stream: CoderStream<Workspace>, signal: AbortSignal): Promise<void> {
    const seen = new Set<number>()
    for await (const workspace of stream) {
      signal.throwIfAborted()
      const msgNo = parseStatusMessage(workspace.latest_app_status?.message)
      if (msgNo === undefined || seen.has(msgNo)) continue
      const sentAt = reportTimes.get(msgNo)
      if (sentAt === undefined) throw new Error(`report time not found for message ${msgNo}`)
      deps.metrics.recordLatency((Date.now() - sentAt) / 1000)
      reportTimes.delete(msgNo)
      seen.add(msgNo)
      counts.seen++
      check()
    }
    throw new Error('the workspace watch ended')
  }
}

/** The token of the workspace's external agent (the agent on its `coder_external_agent` resource). */
async function agentToken(client: CoderClient, workspaceId: string, signal: AbortSignal): Promise<string> {
  const workspace = await client.workspace(workspaceId, { signal })
  const external = (workspace.latest_build.resources ?? []).find((r) => r.type === 'coder_external_agent')
  const name = external?.agents?.[0]?.name
  if (!name) throw new Error('the workspace has no external agent: the template needs a coder_external_agent')
  const { agent_token } = await client.externalAgentCredentials(workspaceId, name, signal)
  return agent_token
}
