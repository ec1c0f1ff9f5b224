// Templates with workspace agents, for runs that bring their own fleet (the simulator, or a
// deployment without a scaletest template). A Terraform provisioner reads the agents from main.tf.

import type { CoderClient } from '../coder/client.ts'
import type { Template } from '../coder/schemas.ts'
import { createTar } from '../coder/tar.ts'

export const AGENT_TEMPLATE_TF = `terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}

resource "coder_app" "echo" {
  agent_id = coder_agent.main.id
  slug     = "echo"
  url      = "http://localhost:8080"
}

resource "null_resource" "workspace" {
  triggers = { token = coder_agent.main.token }
}
`

export const EXTERNAL_AGENT_TEMPLATE_TF = `resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}

resource "coder_external_agent" "main" {
  agent_id = coder_agent.main.id
}
`

/**
 * An external agent with one app: what `coder exp scaletest task-status` needs (the AI agent's app
 * reports its status as the agent).
 */
export function externalAgentAppTemplateTf(appSlug: string): string {
  return `${EXTERNAL_AGENT_TEMPLATE_TF}
resource "coder_app" "task" {
  agent_id     = coder_agent.main.id
  slug         = ${JSON.stringify(appSlug)}
  display_name = "AI Agent"
}
`
}

/** Coder's parseTemplate: a UUID, or a name looked up in each of the caller's organizations in turn. */
export async function resolveTemplate(
  client: CoderClient,
  ref: string,
  organizationIds: string[],
  signal?: AbortSignal,
): Promise<Template> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) {
    const found = (await client.listTemplates({}, signal)).find((t) => t.id === ref.toLowerCase())
    if (found) return found
    throw new Error(`get template by ID "${ref}": not found`)
  }
  for (const org of organizationIds) {
    const found = (await client.listTemplates({}, signal)).find(
      (t) => t.organization_id === org && t.name === ref,
    )
    if (found) return found
  }
  throw new Error(`could not find template "${ref}" in any organization`)
}

export interface AgentTemplateOptions {
  /** A `coder_external_agent` template instead of a plain agent. */
  external?: boolean
  signal?: AbortSignal
}

/** Uploads main.tf, imports it (terraform) and creates the template. */
export async function createAgentTemplate(
  owner: CoderClient,
  organizationId: string,
  name: string,
  options: AgentTemplateOptions = {},
): Promise<Template> {
  const { signal } = options
  const main = options.external ? EXTERNAL_AGENT_TEMPLATE_TF : AGENT_TEMPLATE_TF
  const { hash } = await owner.uploadFile(
    createTar([{ name: 'main.tf', content: main }]),
    'application/x-tar',
    signal,
  )
  const version = await owner.createTemplateVersion(
    organizationId,
    { file_id: hash, provisioner: 'terraform' },
    signal,
  )
  await owner.waitForTemplateVersionJob(version.id, { intervalMs: 100, ...(signal && { signal }) })
  return owner.createTemplate(organizationId, { name, template_version_id: version.id }, signal)
}
