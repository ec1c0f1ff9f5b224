// One template's prebuilds, from creation to scale-to-zero (Coder: scaletest/prebuilds/run.go).
// The test pauses and resumes the reconciler between the barriers; a run that fails leaves every
// barrier it has not reached, so the others go on (Coder's deferred Done()).

import {
  type Barrier,
  CoderApiError,
  type CoderClient,
  type Latch,
  pollUntil,
  type Runner,
  type Template,
  type Workspace,
} from '@scaletest/vitest'
import type { PrebuildsConfig } from '../config.ts'
import { creationCounts, deletionCounts } from './count-jobs.ts'
import type { ErrorAction, PrebuildMetrics } from './metrics.ts'
import { createPrebuildsVersion } from './versions.ts'

export const TEMPLATE_PREFIX = 'scaletest-prebuilds-template-'
const WORKSPACES_POLL_MS = 500

export interface PrebuildsRunnerDeps {
  owner: CoderClient
  organizationId: string
  metrics: PrebuildMetrics
  /** Every template created (the test then resumes the reconciler). */
  setup: Barrier
  /** Every template has all its prebuilds (the test then pauses). */
  creation: Barrier
  /** Set by the test once the reconciler is paused for the deletion phase. */
  deletionSetup: Latch<void>
  /** Every template's active version has no presets (the test then resumes). */
  deletion: Barrier
}

export function prebuildsRunner(config: PrebuildsConfig, deps: PrebuildsRunnerDeps): Runner {
  const expected = config.numPresets * config.numPresetPrebuilds
  let client: CoderClient | undefined
  let template: Template | undefined
  const seconds: { creation_seconds?: number; deletion_seconds?: number } = {}

  const runner: Runner = {
    async run({ id, signal, log }) {
      const name = `${TEMPLATE_PREFIX}${id}`
      client = deps.owner.duplicate()
      using setup = deps.setup.join(signal)
      using creation = deps.creation.join(signal)
      using deletion = deps.deletion.join(signal)
      deps.metrics.start(name)
      const step = async <T>(action: ErrorAction, fn: () => Promise<T>): Promise<T> => {
        try {
          return await fn()
        } catch (error) {
          deps.metrics.addError(name, action)
          throw error
        }
      }
      const presets = { count: config.numPresets, instances: config.numPresetPrebuilds }
      const versionOf = (p: typeof presets & { templateId?: string }) =>
        createPrebuildsVersion(client!, config, deps.organizationId, p, signal)

      const version = await step('create_template_version', () => versionOf(presets))
      template = await step('create_template', () =>
        client!
          .createTemplate(
            deps.organizationId,
            {
              name,
              description: '`coder exp scaletest prebuilds` template',
              template_version_id: version.id,
            },
            signal,
          )
          .catch(async (error: unknown) => {
            // Left by an earlier failed run: found so that cleanup deletes it (as Coder does).
            if (error instanceof CoderApiError && error.status === 409)
              template = await client!
                .templateByName(deps.organizationId, name, signal)
                .catch(() => undefined)
            throw error
          }),
      )
      log('created template %s (%s)', name, template.id)
      await setup.arriveAndWait({ signal })

      const started = Date.now()
      await step('wait_for_workspaces', () =>
        pollWorkspaces(client!, name, config, signal, (list) => {
          const counts = creationCounts(list)
          deps.metrics.setCreation(counts, name)
          return counts.completed >= expected
        }),
      )
      seconds.creation_seconds = (Date.now() - started) / 1000
      log('all %d prebuilds of %s succeeded after %d ms', expected, name, Date.now() - started)
      await creation.arriveAndWait({ signal })

      await deps.deletionSetup.wait({ signal })
      const empty = await step('create_empty_template_version', () =>
        versionOf({ count: 0, instances: 0, templateId: template!.id }),
      )
      await step('update_active_template_version', () =>
        client!.updateActiveTemplateVersion(template!.id, empty.id, signal),
      )
      await deletion.arriveAndWait({ signal })

      const deleting = Date.now()
      await step('wait_for_workspace_deletion', () =>
        pollWorkspaces(client!, name, config, signal, (list) => {
          deps.metrics.setDeletion(deletionCounts(list, expected), name)
          return list.length === 0
        }),
      )
      seconds.deletion_seconds = (Date.now() - deleting) / 1000
      log('all prebuilds of %s deleted after %d ms', name, Date.now() - deleting)
    },
    // Per run: how long this template waited for its prebuilds, and for their deletion.
    metrics: () => ({ template_id: template?.id ?? null, ...seconds }),
  }
  if (!config.skipCleanup)
    runner.cleanup = async ({ signal, log }) => {
      const owner = client ?? deps.owner
      try {
        if (template) await deleteTemplateAndWorkspaces(owner, template, signal, log)
      } finally {
        await client?.close()
      }
    }
  return runner
}

function pollWorkspaces(
  client: CoderClient,
  templateName: string,
  config: PrebuildsConfig,
  signal: AbortSignal,
  done: (workspaces: Workspace[]) => boolean,
): Promise<unknown> {
  const q = `template:"${templateName}"`
  return pollUntil(
    `wait for the prebuilds of ${templateName}`,
    async (s) => (await client.listWorkspaces({ q }, s)).workspaces,
    done,
    {
      signal,
      intervalMs: WORKSPACES_POLL_MS,
      timeoutMs: config.prebuildWorkspaceTimeoutMs,
      describe: (list) => `${list.length} workspace(s)`,
    },
  )
}

/** Coder's Cleanup: delete the template's workspaces (up to 3 attempts), then the template. */
async function deleteTemplateAndWorkspaces(
  client: CoderClient,
  template: Template,
  signal: AbortSignal,
  log: (...args: unknown[]) => void,
): Promise<void> {
  const q = `template:"${template.name}"`
  for (let attempt = 1; attempt <= 3; attempt++) {
    const { workspaces } = await client.listWorkspaces({ q }, signal)
    if (workspaces.length === 0) break
    log('deleting %d workspace(s) of %s (attempt %d)', workspaces.length, template.name, attempt)
    for (const ws of workspaces) {
      if (ws.latest_build.transition === 'delete' && ws.latest_build.job.status !== 'failed') continue
      // A build still running must finish before a delete build is accepted.
      const idle = ['succeeded', 'failed', 'canceled'] as const
      await client
        .waitForBuild(ws.latest_build.id, { signal, intervalMs: WORKSPACES_POLL_MS, accept: [...idle] })
        .catch(() => {})
      await client.deleteWorkspace(ws.id).catch(() => {})
    }
    await pollUntil(
      `wait for the workspaces of ${template.name} to go`,
      async (s) => (await client.listWorkspaces({ q }, s)).workspaces,
      (list) => list.length === 0 || list.some((w) => w.latest_build.job.status === 'failed'),
      { signal, intervalMs: WORKSPACES_POLL_MS, timeoutMs: 120_000 },
    ).catch(() => {})
  }
  await client.deleteTemplate(template.id, signal)
  log('deleted template %s', template.name)
}
