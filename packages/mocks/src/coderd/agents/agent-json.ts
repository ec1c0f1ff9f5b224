// API shapes of agents and resources: codersdk.WorkspaceAgent (codersdk/workspaceagents.go),
// codersdk.WorkspaceResource and codersdk.WorkspaceApp (codersdk/workspaceapps.go).

import type { BuildRecord, JobRecord } from '../records.ts'
import type { SimState } from '../state.ts'
import type { AgentRecord, AppStatusRecord } from './store.ts'

export const AGENT_VERSION = 'v2.27.0'
/** The agent API version a current agent reports (tailnet/proto). */
export const AGENT_API_VERSION = '2.9'
const DISPLAY_APPS = ['vscode', 'vscode_insiders', 'web_terminal', 'ssh_helper', 'port_forwarding_helper']

/** coderd/workspaceagents.go convertWorkspaceAgent: health from status and lifecycle. */
function health(agent: AgentRecord): { healthy: boolean; reason?: string } {
  if (agent.status !== 'connected') return { healthy: false, reason: 'agent is not connected' }
  if (agent.lifecycle === 'shutting_down' || agent.lifecycle === 'off')
    return { healthy: false, reason: 'agent is shutting down' }
  return { healthy: true }
}

/** Every field codersdk.WorkspaceAgent always sends; the omitempty ones (directory, instance_id, latency, the `*_at` stamps) only when set. */
export function agentJson(agent: AgentRecord) {
  return {
    id: agent.id,
    parent_id: null,
    created_at: agent.createdAt,
    updated_at: agent.updatedAt,
    ...(agent.firstConnectedAt && { first_connected_at: agent.firstConnectedAt }),
    ...(agent.lastConnectedAt && { last_connected_at: agent.lastConnectedAt }),
    ...(agent.disconnectedAt && { disconnected_at: agent.disconnectedAt }),
    ...(agent.startedAt && { started_at: agent.startedAt }),
    ...(agent.readyAt && { ready_at: agent.readyAt }),
    status: agent.status,
    lifecycle_state: agent.lifecycle,
    name: agent.name,
    resource_id: agent.resourceId,
    architecture: agent.architecture,
    environment_variables: {},
    operating_system: agent.operatingSystem,
    logs_length: 0,
    logs_overflowed: false,
    version: agent.status === 'connecting' ? '' : AGENT_VERSION,
    api_version: agent.status === 'connecting' ? '' : AGENT_API_VERSION,
    apps: agent.apps.map((app) => ({
      id: app.id,
      external: false,
      slug: app.slug,
      // display_name, icon, url, command and the like are omitempty: Go leaves empty ones out.
      ...(app.displayName && { display_name: app.displayName }),
      subdomain: app.subdomain,
      sharing_level: 'owner',
      healthcheck: { url: '', interval: 0, threshold: 0 },
      health: 'disabled',
      hidden: false,
      open_in: 'slim-window',
      statuses: app.statuses.map(appStatusJson),
    })),
    connection_timeout_seconds: 120,
    troubleshooting_url: '',
    subsystems: [],
    health: health(agent),
    display_apps: DISPLAY_APPS,
    log_sources: [
      {
        workspace_agent_id: agent.id,
        id: agent.logSourceId,
        created_at: agent.createdAt,
        display_name: 'Startup Script',
        icon: '/emojis/25b6.png',
      },
    ],
    scripts: [],
    startup_script_behavior: 'non-blocking',
  }
}

/** codersdk.WorkspaceAppStatus: every field is sent, uri and icon as '' when unset. */
export function appStatusJson(status: AppStatusRecord) {
  return {
    id: status.id,
    created_at: status.createdAt,
    workspace_id: status.workspaceId,
    agent_id: status.agentId,
    app_id: status.appId,
    state: status.state,
    needs_user_attention: status.needsUserAttention,
    message: status.message,
    uri: status.uri,
    icon: status.icon,
  }
}

/** A build's resources: none until its job has succeeded, as Coder inserts them on completion. */
export function resourcesJson(state: SimState, build: BuildRecord, job: JobRecord) {
  if (job.status !== 'succeeded') return []
  return (state.agents.resources.get(build.id) ?? []).map((resource) => ({
    id: resource.id,
    created_at: resource.createdAt,
    job_id: resource.jobId,
    workspace_transition: build.transition,
    type: resource.type,
    name: resource.name,
    hide: false,
    icon: '',
    metadata: [],
    daily_cost: 0,
    agents: resource.agentIds.map((id) => agentJson(state.agents.agents.get(id)!)),
  }))
}

/** `has_external_agent` of a template version: known once its import job has read the template. */
export function versionHasExternalAgent(state: SimState, versionId: string): boolean {
  const version = state.templateVersions.get(versionId)
  if (!version || state.jobs.get(version.jobId)?.status !== 'succeeded') return false
  return state.agents.modelOf(state.files.get(version.fileId)).hasExternalAgent
}
