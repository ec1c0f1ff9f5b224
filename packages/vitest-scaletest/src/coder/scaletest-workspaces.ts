// Workspace wiring the workspace scenarios share (Coder: scaletest/workspacebuild and the CLI's
// `--template` parsing): the template to build from, and a cleanup that never cancels.

import type { Logger } from '../harness/logger.ts'
import type { CoderClient } from './client.ts'
import { CoderApiError } from './errors.ts'
import { ACTIVE_JOB_STATUSES, type PollOptions } from './poll.ts'
import type { Template } from './schemas.ts'
import { createTar } from './tar.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface ScaletestTemplateOptions {
  organizationId: string
  /** `--template`: an id, or a name in the organization; empty ⇒ the run creates its own. */
  ref: string | undefined
  tag: string
  /** The created template's main.tf, imported by the terraform provisioner; none ⇒ an empty echo template. */
  mainTf?: string
  signal?: AbortSignal
}

/**
 * The template a scenario builds from: `ref` (an id, or a name in the organization, as
 * `--template` takes it), or, when `ref` is empty, a new template named `scaletest-<tag>` (no
 * resources, or `mainTf`'s) that the caller deletes at the end (`created: true`).
 */
export async function scaletestTemplate(
  coder: CoderClient,
  options: ScaletestTemplateOptions,
): Promise<{ template: Template; created: boolean }> {
  const { organizationId, ref, signal } = options
  if (ref)
    return {
      template: UUID.test(ref)
        ? await coder.template(ref, signal)
        : await coder.templateByName(organizationId, ref, signal),
      created: false,
    }
  const files = options.mainTf === undefined ? [] : [{ name: 'main.tf', content: options.mainTf }]
  const { hash } = await coder.uploadFile(createTar(files), 'application/x-tar', signal)
  const version = await coder.createTemplateVersion(
    organizationId,
    { file_id: hash, provisioner: options.mainTf === undefined ? 'echo' : 'terraform' },
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
 * `scaletestTemplate` for a scenario: a template the run created is deleted when the test
 * finishes (a failed delete is a warning, not a failure), so a suite needs one call, no wiring.
 */
export async function scaletestTemplateForTest(
  coder: CoderClient,
  options: ScaletestTemplateOptions,
  test: { onTestFinished: (fn: () => Promise<void>) => void; logger: Pick<Logger, 'warn'> },
): Promise<Template> {
  const { template, created } = await scaletestTemplate(coder, options)
  if (created)
    test.onTestFinished(() =>
      coder.deleteTemplate(template.id).then(
        () => {},
        (error: unknown) =>
          test.logger.warn(`could not delete template ${template.name}: ${(error as Error).message}`),
      ),
    )
  return template
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
