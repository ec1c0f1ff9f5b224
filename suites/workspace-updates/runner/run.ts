// One workspace-updates runner per user (Coder: scaletest/workspaceupdates/run.go), as a Coder
// Connect client: it dials the user's workspace-updates stream, waits for every other client, then
// creates its workspaces one by one and times each from just before its create request to the
// first update that names it.

import { randomBytes } from 'node:crypto'

import type { Barrier, CoderClient, CoderStream, Runner, User, WorkspaceUpdate } from '@scaletest/vitest'
import { deleteWorkspaceAfterBuild } from '@scaletest/vitest'
import type { WorkspaceUpdatesMetrics } from './metrics.ts'

export const LATENCIES = 'workspace_updates_latency_seconds'

export interface WorkspaceUpdatesRunnerConfig {
  organizationId: string
  templateId: string
  /** Unique per run, so parallel runs against one deployment never share names. */
  runTag: string
  workspaceCount: number
  dialTimeoutMs: number
  workspaceUpdatesTimeoutMs: number
}

export interface WorkspaceUpdatesRunnerDeps {
  /** The owner's client: creates and deletes the runner's user. */
  owner: CoderClient
  metrics: WorkspaceUpdatesMetrics
  /** Every client has dialed its stream. */
  dialed: Barrier
}

export function workspaceUpdatesRunner(
  config: WorkspaceUpdatesRunnerConfig,
  deps: WorkspaceUpdatesRunnerDeps,
) {
  let user: User | undefined
  let client: CoderClient | undefined
  const workspaceIds: string[] = []
  /** Workspace name → when its create request went out, and when an update first named it. */
  const workspaces = new Map<string, { startedAt: number; latency?: number }>()
  const owned = config.workspaceCount
  let watching = true
  const fail = (action: Parameters<WorkspaceUpdatesMetrics['addError']>[1]) =>
    deps.metrics.addError(owned, action)

  return {
    async run({ id, signal, log, http }) {
      using dialed = deps.dialed.join(signal)
      const name = `wu-${config.runTag}-${id}`
      const password = randomBytes(12).toString('base64url')
      user = await deps.owner.createUser(
        {
          username: `scaletest-${name}`,
          email: `${name}@scaletest.local`,
          password,
          login_type: 'password',
          organization_ids: [config.organizationId],
        },
        signal,
      )
      client = await deps.owner.loginAs(
        { email: user.email, password },
        { dispatcher: http().dispatcher, signal },
      )
      log(`created user ${user.username}`)

      await using stream = await client
        .watchWorkspaceUpdates(user.id, { signal, dialTimeoutMs: config.dialTimeoutMs, retry: true })
        .catch((cause: unknown) => {
          fail('dial')
          throw new Error(`dial workspace updates: ${(cause as Error).message}`, { cause })
        })
      log('connected to the workspace updates stream')
      const allSeen = watch(stream)
      allSeen.catch(() => {})
      await dialed.arriveAndWait({ signal })

      for (let i = 0; i < config.workspaceCount; i++) {
        const workspaceName = `${name}-${i}`
        workspaces.set(workspaceName, { startedAt: Date.now() })
        const workspace = await client.createWorkspace(
          { name: workspaceName, template_id: config.templateId },
          'me',
          signal,
        )
        workspaceIds.push(workspace.id)
        log(`created workspace ${i + 1}/${config.workspaceCount}`)
      }

      const timeout = AbortSignal.timeout(config.workspaceUpdatesTimeoutMs)
      const timedOut = new Promise<never>((_, reject) =>
        AbortSignal.any([signal, timeout]).addEventListener(
          'abort',
          () => {
            if (!signal.aborted) fail('context_done')
            reject(
              signal.aborted
                ? signal.reason
                : new Error(
                    `timeout waiting for workspace updates after ${config.workspaceUpdatesTimeoutMs}ms`,
                  ),
            )
          },
          { once: true },
        ),
      )
      timedOut.catch(() => {})
      try {
        await Promise.race([allSeen, timedOut])
      } finally {
        watching = false // the stream closes next: that is no receive error
      }
      for (const ws of workspaces.values()) deps.metrics.recordCompletion(ws.latency!, owned)
      log(`updates received for all ${config.workspaceCount} workspaces`)
    },

    async cleanup({ signal, log }) {
      // Never a cancel: these users may not cancel builds, so wait for each to end (coder/internal#914).
      for (const [i, workspaceId] of workspaceIds.entries()) {
        await deleteWorkspaceAfterBuild(client!, workspaceId, { signal })
        log(`deleted workspace ${i + 1}/${workspaceIds.length}`)
      }
      if (user) {
        await deps.owner.deleteUser(user.id, signal)
        log(`deleted user ${user.username}`)
      }
    },

    metrics() {
      return {
        [LATENCIES]: Object.fromEntries([...workspaces].map(([name, ws]) => [name, ws.latency ?? 0])),
      }
    },
  } satisfies Runner

  /** Resolves once every workspace this runner creates has been named by an update. */
  async function watch(stream: CoderStream<WorkspaceUpdate>): Promise<void> {
    let seen = 0
    try {
      for await (const update of stream) {
        const at = Date.now()
        for (const { name } of update.upserted_workspaces) {
          const ws = workspaces.get(name)
          if (!ws) {
            fail('unexpected_workspace')
            throw new Error(`received update for unexpected workspace "${name}"`)
          }
          if (ws.latency !== undefined) continue
          ws.latency = (at - ws.startedAt) / 1000
          if (++seen === config.workspaceCount) return
        }
      }
    } catch (error) {
      if (watching && !(error instanceof Error && error.message.startsWith('received update'))) fail('recv')
      throw error
    }
    if (watching) fail('recv')
    throw new Error('the workspace updates stream ended')
  }
}
