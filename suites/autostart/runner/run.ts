// One autostart runner per workspace (Coder: scaletest/autostart/run.go). It creates a user and a
// workspace, stops it, waits with every other runner, schedules the autostart, then times the
// autostart build from the scheduled instant: created (job_creation), acquired by a daemon
// (job_acquired), done (total). Every build is followed on the run's one watch-all stream.

import { randomBytes } from 'node:crypto'

import type { Barrier, CoderClient, Latch, Runner, User, WorkspaceBuildUpdate } from '@scaletest/vitest'
import { deleteWorkspaceAfterBuild } from '@scaletest/vitest'
import { autostartSchedule } from '../config.ts'
import type { WorkspaceDispatcher, WorkspaceUpdates } from './dispatcher.ts'
import {
  type AutostartMetrics,
  type ErrorAction,
  JOB_ACQUIRED_METRIC,
  JOB_CREATION_METRIC,
  TOTAL_METRIC,
} from './metrics.ts'

export interface AutostartRunnerConfig {
  organizationId: string
  templateId: string
  /** Unique per run, so parallel runs against one deployment never share names. */
  runTag: string
  workspaceJobTimeoutMs: number
  autostartTimeoutMs: number
}

export interface AutostartRunnerDeps {
  /** The owner's client: creates and deletes the runner's user. */
  owner: CoderClient
  dispatcher: WorkspaceDispatcher
  metrics: AutostartMetrics
  /** Every runner holds a stopped workspace. */
  setup: Barrier
  /** The instant every workspace is scheduled for, set once the setup barrier opened. */
  scheduleAt: Latch<Date>
  /** Every runner has set its schedule. */
  scheduled: Barrier
  /** When the scheduled instant came (ms since epoch): latencies count from here. */
  triggered: Latch<number>
}

export function autostartRunner(config: AutostartRunnerConfig, deps: AutostartRunnerDeps) {
  let user: User | undefined
  let client: CoderClient | undefined
  let workspaceId: string | undefined
  const latency = { creation: 0, acquired: 0, total: 0 }

  return {
    async run({ id, signal, log, http }) {
      using setup = deps.setup.join(signal)
      using scheduled = deps.scheduled.join(signal)
      const name = `as-${config.runTag}-${id}`
      const updates = deps.dispatcher.register(name)

      const password = randomBytes(12).toString('base64url')
      user = await step('create_user', () =>
        deps.owner.createUser(
          {
            username: `scaletest-${name}`,
            email: `${name}@scaletest.local`,
            password,
            login_type: 'password',
            organization_ids: [config.organizationId],
          },
          signal,
        ),
      )
      client = await step('create_user', () =>
        deps.owner.loginAs({ email: user!.email, password }, { dispatcher: http().dispatcher, signal }),
      )
      log(`created user ${user.username}`)

      const workspace = await step('create_workspace', () =>
        client!.createWorkspace({ name, template_id: config.templateId }, 'me', signal),
      )
      workspaceId = workspace.id
      await step('wait_for_initial_build', () => waitForBuild(updates, 'start', signal))
      log(`workspace ${name} started; stopping it`)
      await step('create_stop_build', () => client!.stopWorkspace(workspace.id))
      await step('wait_for_stop_build', () => waitForBuild(updates, 'stop', signal))
      log('workspace stopped; waiting for every runner')
      await setup.arriveAndWait({ signal })

      const at = await deps.scheduleAt.wait({ signal })
      const schedule = autostartSchedule(at)
      await step('update_workspace_autostart', () =>
        client!.updateWorkspaceAutostart(workspace.id, schedule, signal),
      )
      log(`autostart scheduled: ${schedule}`)
      scheduled.arrive()

      const from = await deps.triggered.wait({ signal })
      const deadline = AbortSignal.any([
        signal,
        AbortSignal.timeout(Math.max(0, from + config.autostartTimeoutMs - Date.now())),
      ])
      await step('wait_for_autostart_build', () =>
        updates
          .waitFor((update) => {
            if (update.transition !== 'start') return false
            if (!latency.creation) {
              latency.creation = (Date.now() - from) / 1000
              deps.metrics.recordJobCreation(latency.creation)
            }
            if (update.job_status === 'running' || update.job_status === 'succeeded') {
              if (!latency.acquired) {
                latency.acquired = (Date.now() - from) / 1000
                deps.metrics.recordJobAcquired(latency.acquired)
              }
            }
            if (update.job_status === 'failed' || update.job_status === 'canceled')
              throw new Error(`autostart build ${update.build_number} ended ${update.job_status}`)
            return update.job_status === 'succeeded'
          }, deadline)
          .catch((error: unknown) => {
            throw deadline.aborted && !signal.aborted
              ? new Error(
                  `no autostart build completed within ${config.autostartTimeoutMs}ms of the scheduled time`,
                )
              : error
          }),
      )
      latency.total = (Date.now() - from) / 1000
      deps.metrics.recordCompletion(latency.total)
      log(`autostart build done ${latency.total.toFixed(3)}s after the scheduled time`)
    },

    async cleanup({ signal, log }) {
      if (workspaceId && client) {
        await deleteWorkspaceAfterBuild(client, workspaceId, { signal })
        log('deleted workspace')
      }
      if (user) {
        await deps.owner.deleteUser(user.id, signal)
        log(`deleted user ${user.username}`)
      }
    },

    metrics() {
      return {
        // Coder's per-run keys are the histograms' names (run.go GetMetrics).
        [TOTAL_METRIC]: latency.total,
        [JOB_CREATION_METRIC]: latency.creation,
        [JOB_ACQUIRED_METRIC]: latency.acquired,
      }
    },
  } satisfies Runner

  async function step<T>(action: ErrorAction, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (cause) {
      deps.metrics.addError(action)
      throw new Error(`${action.replaceAll('_', ' ')}: ${(cause as Error).message}`, { cause })
    }
  }

  /** The next build of `transition` to succeed, within the job timeout; a failed one is an error. */
  function waitForBuild(
    updates: WorkspaceUpdates,
    transition: WorkspaceBuildUpdate['transition'],
    signal: AbortSignal,
  ) {
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(config.workspaceJobTimeoutMs)])
    return updates
      .waitFor((update) => {
        if (update.transition !== transition) return false
        if (update.job_status === 'failed' || update.job_status === 'canceled')
          throw new Error(`${transition} build ${update.build_number} ended ${update.job_status}`)
        return update.job_status === 'succeeded'
      }, deadline)
      .catch((error: unknown) => {
        throw deadline.aborted && !signal.aborted
          ? new Error(`no ${transition} build succeeded within ${config.workspaceJobTimeoutMs}ms`)
          : error
      })
  }
}
