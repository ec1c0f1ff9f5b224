// The trigger (Coder: triggerNotifications in cli/exp_scaletest_notifications.go): once every user
// is connected, create `count` templates, then delete them back to back. Each delete notifies every
// owner and template admin except the deleter.

import { type CoderClient, createTar } from '@scaletest/vitest'

export const TEMPLATE_PREFIX = 'scaletest-test-template-'

export interface TriggerOptions {
  organizationId: string
  count: number
  /** Unique per run (4 characters: Coder caps template names at 32), so leftovers of this run are told
   * apart from another run's. */
  runTag: string
  signal?: AbortSignal
  log?: (message: string) => void
}

/** Creates the templates and deletes them; resolves with the trigger time (ms since epoch). */
export async function deleteTemplatesBackToBack(
  owner: CoderClient,
  options: TriggerOptions,
): Promise<number> {
  const { signal } = options
  const { hash } = await owner.uploadFile(createTar([]), 'application/x-tar', signal)
  const templates = []
  for (let i = 0; i < options.count; i++) {
    const version = await owner.createTemplateVersion(
      options.organizationId,
      { file_id: hash, provisioner: 'echo' },
      signal,
    )
    await owner.waitForTemplateVersionJob(version.id, signal ? { signal } : {})
    const name = `${TEMPLATE_PREFIX}${options.runTag}-${i}`
    templates.push(
      await owner.createTemplate(options.organizationId, { name, template_version_id: version.id }, signal),
    )
  }
  options.log?.(`created ${templates.length} template(s); deleting them back to back`)
  const triggeredAt = Date.now()
  for (const template of templates) await owner.deleteTemplate(template.id, signal)
  return triggeredAt
}

/** Best-effort removal of this run's templates that a failure left behind. */
export async function deleteLeftoverTemplates(owner: CoderClient, runTag: string): Promise<string[]> {
  const prefix = `${TEMPLATE_PREFIX}${runTag}-`
  const leftovers = (await owner.listTemplates()).filter((t) => t.name.startsWith(prefix))
  const failed: string[] = []
  for (const template of leftovers) {
    await owner.deleteTemplate(template.id).catch(() => failed.push(template.name))
  }
  return failed
}
