// What a Terraform provisioner would read from a template's `.tf` files, enough to give builds their
// resources: `coder_agent` blocks (os, arch), `coder_external_agent` (agent_id = coder_agent.X.id),
// `coder_app` (slug, agent_id) and the other resources an agent's token or init script is wired into.
// Coder: provisioner/terraform/resources.go (ConvertState). This is a block scanner, not HCL.

import { untar } from './untar.ts'

export interface AppModel {
  slug: string
  displayName: string
  /** `subdomain = true`: served on the wildcard app host, which the simulator has none of. */
  subdomain: boolean
}

export interface AgentModel {
  name: string
  operatingSystem: string
  architecture: string
  apps: AppModel[]
}

export interface ResourceModel {
  type: string
  name: string
  /** Names of the agents this resource carries. */
  agents: string[]
}

export interface TemplateModel {
  agents: AgentModel[]
  resources: ResourceModel[]
  hasExternalAgent: boolean
}

interface Block {
  type: string
  name: string
  body: string
}

const RESOURCE = /resource\s+"([\w-]+)"\s+"([\w-]+)"\s*\{/g

/** Without any `.tf` file (an echo template), one agent `main` on a `null_resource.dev`, as before. */
export const DEFAULT_MODEL: TemplateModel = {
  agents: [{ name: 'main', operatingSystem: 'linux', architecture: 'amd64', apps: [] }],
  resources: [{ type: 'null_resource', name: 'dev', agents: ['main'] }],
  hasExternalAgent: false,
}

export function templateModelOf(archive: Buffer): TemplateModel {
  const sources = untar(archive)
    .filter((f) => !f.name.includes('/') && f.name.endsWith('.tf'))
    .map((f) => f.data.toString('utf8'))
  if (sources.length === 0) return DEFAULT_MODEL
  return modelFromBlocks(sources.flatMap(blocks))
}

export function blocks(source: string): Block[] {
  const text = stripComments(source)
  const out: Block[] = []
  for (const match of text.matchAll(RESOURCE)) {
    const open = match.index + match[0].length
    let depth = 1
    let i = open
    let quoted = false
    for (; i < text.length && depth > 0; i++) {
      const c = text[i]
      if (quoted) {
        if (c === '\\') i++
        else if (c === '"') quoted = false
      } else if (c === '"') quoted = true
      else if (c === '{') depth++
      else if (c === '}') depth--
    }
    out.push({ type: match[1]!, name: match[2]!, body: text.slice(open, i - 1) })
  }
  return out
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*(#|\/\/).*$/gm, '')
}

function attribute(body: string, key: string): string | undefined {
  const match = new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, 'm').exec(body)
  return match?.[1]
}

function agentReference(body: string): string | undefined {
  return /coder_agent\.([\w-]+)\.id/.exec(body)?.[1]
}

function modelFromBlocks(all: Block[]): TemplateModel {
  const agents = all
    .filter((b) => b.type === 'coder_agent')
    .map(
      (b): AgentModel => ({
        name: b.name,
        operatingSystem: attribute(b.body, 'os') ?? 'linux',
        architecture: attribute(b.body, 'arch') ?? 'amd64',
        apps: [],
      }),
    )
  const byName = new Map(agents.map((a) => [a.name, a]))
  for (const app of all.filter((b) => b.type === 'coder_app')) {
    const agent = byName.get(agentReference(app.body) ?? '') ?? agents[0]
    const slug = attribute(app.body, 'slug') ?? app.name
    agent?.apps.push({
      slug,
      displayName: attribute(app.body, 'display_name') ?? slug,
      subdomain: /^\s*subdomain\s*=\s*true\b/m.test(app.body),
    })
  }
  const resources: ResourceModel[] = []
  const placed = new Set<string>()
  for (const external of all.filter((b) => b.type === 'coder_external_agent')) {
    const agent = agentReference(external.body)
    const carried = agent && byName.has(agent) && !placed.has(agent) ? [agent] : []
    for (const name of carried) placed.add(name)
    resources.push({ type: 'coder_external_agent', name: external.name, agents: carried })
  }
  const others = all.filter((b) => !b.type.startsWith('coder_'))
  for (const block of others) {
    const carried = agents
      .map((a) => a.name)
      .filter(
        (name) =>
          !placed.has(name) && new RegExp(`coder_agent\\.${name}\\.(token|init_script)`).test(block.body),
      )
    for (const name of carried) placed.add(name)
    resources.push({ type: block.type, name: block.name, agents: carried })
  }
  // An agent no resource references rides on the first resource, or on a null_resource of its own.
  const loose = agents.map((a) => a.name).filter((name) => !placed.has(name))
  if (loose.length > 0) {
    const host = resources.find((r) => r.type !== 'coder_external_agent')
    if (host) host.agents.push(...loose)
    else resources.push({ type: 'null_resource', name: 'workspace', agents: loose })
  }
  return {
    agents,
    resources,
    hasExternalAgent: resources.some((r) => r.type === 'coder_external_agent'),
  }
}
