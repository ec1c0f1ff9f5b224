// Workspace agents and the resources that carry them, per build. Plain records; lifecycle.ts moves
// them through Coder's states and agent-json.ts builds the API shapes.

import type { FileRecord } from '../records.ts'
import { DEFAULT_MODEL, type TemplateModel, templateModelOf } from './terraform.ts'

export type AgentStatus = 'connecting' | 'connected' | 'disconnected' | 'timeout'
export type AgentLifecycle = 'created' | 'starting' | 'ready' | 'shutting_down' | 'off'

/** codersdk.WorkspaceAppStatus (codersdk/workspaceapps.go), as agent-json.ts sends it. */
export interface AppStatusRecord {
  id: string
  createdAt: string
  workspaceId: string
  agentId: string
  appId: string
  state: 'working' | 'idle' | 'complete' | 'failure'
  message: string
  uri: string
  icon: string
  needsUserAttention: boolean
}

export interface AppRecord {
  id: string
  slug: string
  displayName: string
  subdomain: boolean
  /** Newest first, as Coder lists an app's statuses. */
  statuses: AppStatusRecord[]
}

export interface AgentRecord {
  id: string
  name: string
  resourceId: string
  buildId: string
  workspaceId: string
  createdAt: string
  updatedAt: string
  status: AgentStatus
  lifecycle: AgentLifecycle
  firstConnectedAt: string | undefined
  lastConnectedAt: string | undefined
  disconnectedAt: string | undefined
  startedAt: string | undefined
  readyAt: string | undefined
  operatingSystem: string
  architecture: string
  apps: AppRecord[]
  /** The agent's auth token (`CODER_AGENT_TOKEN`); never logged. */
  authToken: string
  /** Declared by a `coder_external_agent`: it connects once someone runs it with its credentials. */
  external: boolean
  logSourceId: string
}

export interface ResourceRecord {
  id: string
  buildId: string
  jobId: string
  createdAt: string
  type: string
  name: string
  agentIds: string[]
}

export class AgentStore {
  readonly agents = new Map<string, AgentRecord>()
  readonly byToken = new Map<string, AgentRecord>()
  /** Build id → its resources, present once the build's job has succeeded. */
  readonly resources = new Map<string, ResourceRecord[]>()
  /** Workspace id → the build whose agents are live. */
  readonly agentBuildOf = new Map<string, string>()
  /** Workspace id → the newest status any of its apps reported (the workspace's latest_app_status). */
  readonly latestAppStatus = new Map<string, AppStatusRecord>()
  readonly #models = new Map<string, TemplateModel>()

  /** The template's resources as the provisioner reads them from the uploaded file (cached per file). */
  modelOf(file: FileRecord | undefined): TemplateModel {
    if (!file) return DEFAULT_MODEL
    let model = this.#models.get(file.id)
    if (!model) {
      model = templateModelOf(file.data)
      this.#models.set(file.id, model)
    }
    return model
  }

  agentsOfBuild(buildId: string): AgentRecord[] {
    return (this.resources.get(buildId) ?? []).flatMap((r) => r.agentIds.map((id) => this.agents.get(id)!))
  }

  add(build: { id: string; workspaceId: string }, resources: ResourceRecord[], agents: AgentRecord[]): void {
    this.resources.set(build.id, resources)
    this.agentBuildOf.set(build.workspaceId, build.id)
    for (const agent of agents) {
      this.agents.set(agent.id, agent)
      this.byToken.set(agent.authToken, agent)
    }
  }
}
