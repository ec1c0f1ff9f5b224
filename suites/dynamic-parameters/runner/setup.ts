// Setup (Coder: SetupPartitions in scaletest/dynamicparameters/template.go): find the template by
// name or create it, then one template version per partition of the evaluations, all with the
// provisioner tags, and wait for every import. A version no daemon matches fails at once: on
// clusters where every provisioner is tagged, an untagged version would stay pending forever.

import { CoderApiError, type CoderClient, type Organization, type TemplateVersion } from '@scaletest/vitest'
import { type DynamicParametersConfig, partitionEvaluations } from '../config.ts'
import { dynamicParametersTar } from '../template.ts'

export interface Partition {
  version: TemplateVersion
  concurrentEvaluations: number
}

export async function setupPartitions(
  owner: CoderClient,
  org: Organization,
  config: DynamicParametersConfig,
  log: (message: string) => void,
  signal?: AbortSignal,
): Promise<Partition[]> {
  const parts = partitionEvaluations(config.concurrentEvaluations)
  const partitions: Partition[] = []
  let templateId = await owner
    .templateByName(org.id, config.templateName, signal)
    .then((t) => t.id)
    .catch((error: unknown) => {
      if (error instanceof CoderApiError && error.status === 404) return undefined
      throw error
    })
  if (!templateId) {
    const version = await createVersion(owner, org, config, undefined, signal)
    const template = await owner.createTemplate(
      org.id,
      {
        name: config.templateName,
        display_name: 'Scaletest Dynamic Parameters',
        description: '`coder exp scaletest dynamic parameters test` template',
        template_version_id: version.id,
      },
      signal,
    )
    log(`created template ${template.name}`)
    templateId = template.id
    partitions.push({ version, concurrentEvaluations: parts.shift()! })
  }
  for (const concurrentEvaluations of parts)
    partitions.push({
      version: await createVersion(owner, org, config, templateId, signal),
      concurrentEvaluations,
    })
  log(
    `${partitions.length} template version(s) for ${config.concurrentEvaluations} evaluations: ${partitions.map((p) => p.concurrentEvaluations).join(', ')}`,
  )
  // Wait for every import before evaluating (#20034); Coder polls all of them every 2 s.
  await Promise.all(
    partitions.map((p) =>
      owner.waitForTemplateVersionJob(p.version.id, {
        intervalMs: config.versionPollIntervalMs,
        ...(signal && { signal }),
      }),
    ),
  )
  return partitions
}

async function createVersion(
  owner: CoderClient,
  org: Organization,
  config: DynamicParametersConfig,
  templateId: string | undefined,
  signal?: AbortSignal,
): Promise<TemplateVersion> {
  const { hash } = await owner.uploadFile(dynamicParametersTar(), 'application/x-tar', signal)
  const version = await owner.createTemplateVersion(
    org.id,
    {
      file_id: hash,
      provisioner: 'terraform',
      message: 'Initial version for scaletest dynamic parameters',
      tags: config.provisionerTags,
      ...(templateId && { template_id: templateId }),
    },
    signal,
  )
  if (version.matched_provisioners?.count === 0) {
    const tags = Object.entries(config.provisionerTags).map(([k, v]) => `${k}=${v}`)
    throw new Error(
      `no provisioners matched template version ${version.id} (tags: ${tags.join(',') || 'none'}); ` +
        'set CODER_SCALETEST_DYNAMIC_PARAMETERS_PROVISIONER_TAG to the tags of your provisioner daemons',
    )
  }
  return version
}
