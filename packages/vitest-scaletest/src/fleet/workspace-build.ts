// Coder's workspacebuild runner (scaletest/workspacebuild/run.go): create the workspace, poll the
// build every 500 ms while it is pending, follow its logs until they close, re-read it; a failed
// build is retried with new start builds up to `retry` times. Then, unless told not to, poll the
// workspace every second until every agent is connected. Cleanup cancels an active build and
// waits for it either way (non-owners get 403 on cancel), deletes, and waits for the delete.

import { setTimeout as sleep } from 'node:timers/promises'

import type { CoderClient } from '../coder/client.ts'
import { CoderApiError } from '../coder/errors.ts'
import { ACTIVE_JOB_STATUSES } from '../coder/poll.ts'
import type { Workspace, WorkspaceAgent, WorkspaceBuild } from '../coder/workspace-schemas.ts'

export interface BuildWorkspaceOptions {
  templateId: string
  name: string
  richParameterValues?: { name: string; value: string }[]
  /** New start builds after a failed one (CODER_SCALETEST_RETRY). */
  retry?: number
  /** Skip waiting for the agents (CODER_SCALETEST_NO_WAIT_FOR_AGENTS). */
  noWaitForAgents?: boolean
  /** Called with the workspace as soon as it exists, so cleanup can find it after a failure. */
  onCreated?: (workspace: Workspace) => void
  signal?: AbortSignal
  log?: (message: string) => void
}

export async function buildWorkspace(
  client: CoderClient,
  options: BuildWorkspaceOptions,
): Promise<Workspace> {
  const { signal } = options
  const log = options.log ?? (() => {})
  const created = await client.createWorkspace(
    {
      template_id: options.templateId,
      name: options.name,
      ...(options.richParameterValues && { rich_parameter_values: options.richParameterValues }),
    },
    'me',
    signal,
  )
  options.onCreated?.(created)
  log(`workspace ${created.name} created; build ${created.latest_build.id}`)
  let build = await waitForBuild(client, created.latest_build, signal, log)
  for (let attempt = 1; build.job.status !== 'succeeded'; attempt++) {
    if (attempt > (options.retry ?? 0))
      throw new Error(
        `workspace build ${build.id} ended ${build.job.status}: ${build.job.error ?? 'no error given'}`,
      )
    log(`build ${build.job.status}; retry ${attempt} of ${options.retry}`)
    build = await waitForBuild(client, await client.startWorkspace(created.id, {}), signal, log)
  }
  if (options.noWaitForAgents) return client.workspace(created.id, signal ? { signal } : {})
  log('waiting for agents')
  return client.waitForAgents(created.id, { intervalMs: 1_000, ...(signal && { signal }) })
}

async function waitForBuild(
  client: CoderClient,
  initial: WorkspaceBuild,
  signal: AbortSignal | undefined,
  log: (message: string) => void,
): Promise<WorkspaceBuild> {
  let build = initial
  while (build.job.status === 'pending') {
    await sleep(500, undefined, { signal })
    build = await client.workspaceBuild(build.id, signal)
  }
  if (ACTIVE_JOB_STATUSES.has(build.job.status)) {
    await using logs = await client.followWorkspaceBuildLogs(build.id, signal ? { signal } : {})
    let count = 0
    for await (const _line of logs) count++
    log(`build ${build.id}: ${count} log line(s)`)
  }
  return client.workspaceBuild(build.id, signal)
}

/** The first agent of the workspace's latest build, as Coder's runners pick it. */
export function firstAgent(workspace: Workspace): WorkspaceAgent | undefined {
  for (const resource of workspace.latest_build.resources ?? []) {
    const agent = resource.agents?.[0]
    if (agent) return agent
  }
  return undefined
}

/** Coder's workspacebuild cleanup; `client` should be the owner's or the workspace owner's. */
export async function deleteWorkspaceAndWait(
  client: CoderClient,
  workspaceId: string,
  options: { signal?: AbortSignal; log?: (message: string) => void } = {},
): Promise<boolean> {
  const { signal } = options
  const log = options.log ?? (() => {})
  let workspace: Workspace
  try {
    workspace = await client.workspace(workspaceId, signal ? { signal } : {})
  } catch (error) {
    if (error instanceof CoderApiError && error.status === 404) return false
    throw error
  }
  const latest = workspace.latest_build
  if (ACTIVE_JOB_STATUSES.has(latest.job.status)) {
    await client.cancelWorkspaceBuild(latest.id, signal ? { signal } : {}).catch((error: unknown) => {
      log(`warn: cancel build ${latest.id}: ${(error as Error).message}`)
    })
    await client.waitForBuild(latest.id, {
      accept: ['succeeded', 'failed', 'canceled'],
      ...(signal && { signal }),
    })
  }
  const deletion = await client.deleteWorkspace(workspaceId)
  await client.waitForBuild(deletion.id, { intervalMs: 200, ...(signal && { signal }) })
  log(`deleted workspace ${workspace.name}`)
  return true
}
