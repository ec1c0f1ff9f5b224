// A runner's template versions (Coder: Runner.createTemplateVersion in scaletest/prebuilds/run.go):
// upload the tar, create a terraform version with the provisioner tags, fail at once when no
// daemon matches them, then poll until the import succeeded.

import type { CoderClient, TemplateVersion } from '@scaletest/vitest'
import type { PrebuildsConfig } from '../config.ts'
import { prebuildsTemplateTar } from '../template.ts'

export async function createPrebuildsVersion(
  client: CoderClient,
  config: PrebuildsConfig,
  organizationId: string,
  presets: { count: number; instances: number; templateId?: string },
  signal: AbortSignal,
): Promise<TemplateVersion> {
  const tar = prebuildsTemplateTar(presets.count, presets.instances)
  const { hash } = await client.uploadFile(tar, 'application/x-tar', signal)
  const version = await client.createTemplateVersion(
    organizationId,
    {
      file_id: hash,
      provisioner: 'terraform',
      message: 'Template version for scaletest prebuilds',
      tags: config.provisionerTags,
      ...(presets.templateId && { template_id: presets.templateId }),
    },
    signal,
  )
  if (version.matched_provisioners?.count === 0)
    throw new Error('no provisioners matched for template version')
  return client.waitForTemplateVersionJob(version.id, {
    signal,
    intervalMs: config.versionPollIntervalMs,
    timeoutMs: config.templateVersionJobTimeoutMs,
  })
}
