// Workspace wiring the workspace scenarios share (Coder: scaletest/workspacebuild and the CLI's
// `--template` parsing): the template to build from, and a cleanup that never cancels.

import type { CoderClient } from './client.ts'
import { CoderApiError } from './errors.ts'
import { ACTIVE_JOB_STATUSES, type PollOptions } from './poll.ts'
import type { Template } from './schemas.ts'
import { createTar } from './tar.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The template a scenario builds from: `ref` (an id, or a name in the organization, as
 * `--template` takes it), or, when `ref` is empty, a new template with no resources named
 * `scaletest-<tag>` that the caller deletes at the end (`created: true`).
 */
export async function scaletestTemplate(
  coder: CoderClient,
  options: { organizationId: string; ref: string | undefined; tag: string; signal?: AbortSignal },
): Promise<{ template: Template; created: boolean }> {
  const { organizationId, ref, signal } = options
  if (ref)
    return {
      template: UUID.test(ref)
        ? await coder.template(ref, signal)
        : await coder.templateByName(organizationId, ref, signal),
      created: false,
    }
  const { hash } = await coder.uploadFile(createTar([]), 'application/x-tar', signal)
  const version = await coder.createTemplateVersion(
    organizationId,
    { file_id: hash, provisioner: 'echo' },
    signal,
  )
  await coder.waitForTemplateVersionJob(version.id, {
    intervalMs: 100,
    timeoutMs: 60_000,
    ...(signal && { signal }),
  })
  const template = await coder.createTemplate(
    organizationId,
    { name: `scaletest-${options.tag}`, template_version_id: version.id },
    signal,
  )
  return { template, created: true }
}

/**
 * Deletes a workspace the way Coder's workspacebuild cleanup must for users without the cancel
 * permission: wait for a build still in flight to end (a cancel by a non-owner is a 403 in
 * Coder, coder/internal#914), then build `delete` and wait for it. A workspace already gone is done.
 */
export async function deleteWorkspaceAfterBuild(
  client: CoderClient,
  workspaceId: string,
  options: PollOptions = {},
): Promise<void> {
  const poll = {
    intervalMs: options.intervalMs ?? 250,
    timeoutMs: options.timeoutMs ?? 600_000,
    ...(options.signal && { signal: options.signal }),
  }
  let workspace: Awaited<ReturnType<CoderClient['workspace']>>
  try {
    workspace = await client.workspace(workspaceId, options.signal ? { signal: options.signal } : {})
  } catch (error) {
    if (error instanceof CoderApiError && (error.status === 404 || error.status === 410)) return
    throw error
  }
  if (ACTIVE_JOB_STATUSES.has(workspace.latest_build.job.status))
    await client.waitForBuild(workspace.latest_build.id, {
      ...poll,
      accept: ['succeeded', 'failed', 'canceled'],
    })
  const deletion = await client.deleteWorkspace(workspaceId)
  await client.waitForBuild(deletion.id, poll)
}
