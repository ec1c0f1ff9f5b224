import { appStatusJson, resourcesJson, versionHasExternalAgent } from './agents/agent-json.ts'
import { PREBUILDS_USER_ID, systemUser } from './prebuilds/system-user.ts'
import type {
  BuildRecord,
  JobRecord,
  OrganizationRecord,
  TemplateRecord,
  TemplateVersionRecord,
  Transition,
  UserRecord,
  WorkspaceRecord,
} from './records.ts'
import type { SimState } from './state.ts'

const ROLE_NAMES: Record<string, string> = {
  owner: 'Owner',
  'template-admin': 'Template Admin',
  'user-admin': 'User Admin',
  auditor: 'Auditor',
  'organization-member': 'Organization Member',
  'organization-admin': 'Organization Admin',
}

export function roleJson(name: string, organizationId?: string) {
  return {
    name,
    display_name: ROLE_NAMES[name] ?? name,
    ...(organizationId !== undefined && { organization_id: organizationId }),
  }
}

/** codersdk.MinimalUser (codersdk/users.go): name and avatar_url are omitempty, so empty ones are left out. */
export function minimalUserJson(id: string, user: UserRecord | undefined) {
  return { id, username: user?.username ?? '', ...(user?.name && { name: user.name }) }
}

export function userJson(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    // codersdk/users.go MinimalUser: name and avatar_url are omitempty.
    ...(user.name !== '' && { name: user.name }),
    email: user.email,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    last_seen_at: user.lastSeenAt,
    status: user.status,
    login_type: user.loginType,
    // theme_preference is omitempty and the simulator keeps no theme: left out, as Go does with "".
    organization_ids: user.organizationIds,
    roles: user.siteRoles.map((role) => roleJson(role)),
  }
}

export function organizationJson(org: OrganizationRecord) {
  return {
    id: org.id,
    name: org.name,
    display_name: org.displayName,
    description: org.description,
    icon: org.icon,
    created_at: org.createdAt,
    updated_at: org.updatedAt,
    is_default: org.isDefault,
  }
}

/** Queue figures and matching daemons come from the provisioner; convert stays pure. */
export interface JobView {
  queuePosition(job: JobRecord): { position: number; size: number }
  matched(tags: Record<string, string>): { count: number; available: number; most_recently_seen?: string }
}

export function jobJson(state: SimState, view: JobView, job: JobRecord) {
  const version = job.templateVersionId ? state.templateVersions.get(job.templateVersionId) : undefined
  const build = job.workspaceBuildId ? state.builds.get(job.workspaceBuildId) : undefined
  const workspace = build ? state.workspaces.get(build.workspaceId) : undefined
  const templateId = version?.templateId ?? workspace?.templateId
  const template = templateId ? state.templates.get(templateId) : undefined
  const queue = view.queuePosition(job)
  return {
    id: job.id,
    created_at: job.createdAt,
    // codersdk/provisionerdaemons.go ProvisionerJob.InitiatorID: who started the build or import.
    initiator_id: build?.initiatorId ?? version?.createdBy ?? '00000000-0000-0000-0000-000000000000',
    ...(job.startedAt && { started_at: job.startedAt }),
    ...(job.completedAt && { completed_at: job.completedAt }),
    ...(job.canceledAt && { canceled_at: job.canceledAt }),
    ...(job.error && { error: job.error }),
    status: job.status,
    ...(job.workerId && { worker_id: job.workerId, worker_name: job.workerName }),
    file_id: job.fileId,
    tags: job.tags,
    queue_position: queue.position,
    queue_size: queue.size,
    organization_id: job.organizationId,
    input: {
      ...(job.templateVersionId && { template_version_id: job.templateVersionId }),
      ...(job.workspaceBuildId && { workspace_build_id: job.workspaceBuildId }),
    },
    type: job.type,
    metadata: {
      template_version_name: version?.name ?? '',
      template_id: template?.id ?? '00000000-0000-0000-0000-000000000000',
      template_name: template?.name ?? '',
      template_display_name: template?.displayName ?? '',
      template_icon: template?.icon ?? '',
      ...(workspace && { workspace_id: workspace.id, workspace_name: workspace.name }),
    },
    logs_overflowed: false,
  }
}

export function templateVersionJson(state: SimState, view: JobView, version: TemplateVersionRecord) {
  const creator = state.users.get(version.createdBy)
  const job = state.jobs.get(version.jobId)!
  return {
    id: version.id,
    ...(version.templateId && { template_id: version.templateId }),
    organization_id: version.organizationId,
    created_at: version.createdAt,
    updated_at: version.updatedAt,
    name: version.name,
    message: version.message,
    job: jobJson(state, view, job),
    readme: '',
    created_by: minimalUserJson(version.createdBy, creator),
    archived: version.archived,
    warnings: [],
    matched_provisioners: view.matched(job.tags),
    has_external_agent: versionHasExternalAgent(state, version.id),
  }
}

export function templateJson(state: SimState, template: TemplateRecord) {
  const org = state.organizations.get(template.organizationId)
  const creator = state.users.get(template.createdBy)
  // codersdk/templates.go TransitionStats: `p50`/`p95` are *int64, null until builds are timed.
  const stats = { p50: null, p95: null }
  return {
    id: template.id,
    created_at: template.createdAt,
    updated_at: template.updatedAt,
    organization_id: template.organizationId,
    organization_name: org?.name ?? '',
    organization_display_name: org?.displayName ?? '',
    organization_icon: org?.icon ?? '',
    name: template.name,
    display_name: template.displayName,
    provisioner: template.provisioner,
    active_version_id: template.activeVersionId,
    active_user_count: 0,
    build_time_stats: { start: stats, stop: stats, delete: stats },
    description: template.description,
    deprecated: template.deprecationMessage !== '',
    deprecation_message: template.deprecationMessage,
    icon: template.icon,
    default_ttl_ms: template.defaultTtlMs,
    activity_bump_ms: template.activityBumpMs,
    autostop_requirement: template.autostopRequirement,
    autostart_requirement: template.autostartRequirement,
    created_by_id: template.createdBy,
    created_by_name: creator?.username ?? '',
    allow_user_autostart: template.allowUserAutostart,
    allow_user_autostop: template.allowUserAutostop,
    allow_user_cancel_workspace_jobs: template.allowUserCancelWorkspaceJobs,
    failure_ttl_ms: template.failureTtlMs,
    time_til_dormant_ms: template.timeTilDormantMs,
    time_til_dormant_autodelete_ms: template.timeTilDormantAutodeleteMs,
    require_active_version: template.requireActiveVersion,
    max_port_share_level: template.maxPortShareLevel,
    cors_behavior: template.corsBehavior,
    use_classic_parameter_flow: template.useClassicParameterFlow,
  }
}

const BUILD_STATUS: Record<Transition, Record<string, string>> = {
  start: { pending: 'pending', running: 'starting', succeeded: 'running' },
  stop: { pending: 'pending', running: 'stopping', succeeded: 'stopped' },
  delete: { pending: 'pending', running: 'deleting', succeeded: 'deleted' },
}

/** `ConvertWorkspaceStatus`: canceling, canceled and failed map to themselves for every transition. */
export function buildStatus(transition: Transition, jobStatus: string): string {
  return BUILD_STATUS[transition][jobStatus] ?? jobStatus
}

export function buildJson(state: SimState, view: JobView, build: BuildRecord) {
  const workspace = state.workspaces.get(build.workspaceId)!
  const owner = state.users.get(workspace.ownerId) ?? systemUser(workspace.ownerId)
  const initiator = state.users.get(build.initiatorId) ?? systemUser(build.initiatorId)
  const version = state.templateVersions.get(build.templateVersionId)
  const job = state.jobOf(build)
  return {
    id: build.id,
    created_at: build.createdAt,
    updated_at: build.updatedAt,
    workspace_id: workspace.id,
    workspace_name: workspace.name,
    workspace_owner_id: workspace.ownerId,
    workspace_owner_name: owner?.username ?? '',
    workspace_owner_avatar_url: '',
    template_version_id: build.templateVersionId,
    template_version_name: version?.name ?? '',
    build_number: build.buildNumber,
    transition: build.transition,
    initiator_id: build.initiatorId,
    initiator_name: initiator?.username ?? '',
    job: jobJson(state, view, job),
    reason: build.reason,
    // codersdk.NullTime: null while no deadline is set (Coder sends the key, not omits it).
    deadline: null,
    max_deadline: null,
    resources: resourcesJson(state, build, job),
    status: buildStatus(build.transition, job.status),
    daily_cost: 0,
    matched_provisioners: view.matched(job.tags),
    template_version_preset_id: null,
    has_ai_task: false,
    has_external_agent: versionHasExternalAgent(state, build.templateVersionId),
  }
}

export function workspaceJson(state: SimState, view: JobView, workspace: WorkspaceRecord) {
  const owner = state.users.get(workspace.ownerId) ?? systemUser(workspace.ownerId)
  const org = state.organizations.get(workspace.organizationId)
  const template = state.templates.get(workspace.templateId)
  const build = state.latestBuild(workspace)
  const latest = buildJson(state, view, build)
  return {
    id: workspace.id,
    created_at: workspace.createdAt,
    updated_at: workspace.updatedAt,
    owner_id: workspace.ownerId,
    owner_name: owner?.username ?? '',
    owner_avatar_url: '',
    organization_id: workspace.organizationId,
    organization_name: org?.name ?? '',
    template_id: workspace.templateId,
    template_name: template?.name ?? '',
    template_display_name: template?.displayName ?? '',
    template_icon: template?.icon ?? '',
    template_allow_user_cancel_workspace_jobs: template?.allowUserCancelWorkspaceJobs ?? true,
    template_active_version_id: template?.activeVersionId ?? build.templateVersionId,
    template_require_active_version: template?.requireActiveVersion ?? false,
    template_use_classic_parameter_flow: template?.useClassicParameterFlow ?? false,
    latest_build: latest,
    // codersdk/workspaces.go: *WorkspaceAppStatus, the newest status of any of the workspace's apps.
    latest_app_status: latestAppStatus(state, workspace.id),
    outdated: template !== undefined && template.activeVersionId !== build.templateVersionId,
    name: workspace.name,
    ...(workspace.autostartSchedule !== undefined && { autostart_schedule: workspace.autostartSchedule }),
    ...(workspace.ttlMs !== undefined && { ttl_ms: workspace.ttlMs }),
    last_used_at: workspace.lastUsedAt,
    deleting_at: null,
    dormant_at: null,
    health: { healthy: latest.status === 'running', failing_agents: [] },
    automatic_updates: workspace.automaticUpdates,
    allow_renames: false,
    favorite: false,
    next_start_at: null,
    is_prebuild: workspace.ownerId === PREBUILDS_USER_ID,
    // codersdk/workspaces.go: the users and groups the workspace is shared with; the task it runs.
    shared_with: [],
    task_id: null,
  }
}

function latestAppStatus(state: SimState, workspaceId: string) {
  const status = state.agents.latestAppStatus.get(workspaceId)
  return status ? appStatusJson(status) : null
}
