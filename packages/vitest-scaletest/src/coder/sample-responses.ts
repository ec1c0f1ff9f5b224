import { randomUUID } from 'node:crypto'

// Test-only: contract-shaped bodies (codersdk) for msw handlers in unit tests.

const now = '2026-01-02T03:04:05.123456Z'
const orgId = '3c5fe5f4-5d2f-4a6e-9c1b-5f0c1b8d2a10'

export function sampleUser(overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    username: 'admin',
    avatar_url: '',
    name: 'Admin',
    email: 'admin@scaletest.local',
    created_at: now,
    updated_at: now,
    last_seen_at: now,
    status: 'active',
    login_type: 'password',
    theme_preference: '',
    organization_ids: [orgId],
    roles: [{ name: 'owner', display_name: 'Owner' }],
    ...overrides,
  }
}

export function sampleJob(status: string, overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    created_at: now,
    started_at: status === 'pending' ? null : now,
    completed_at: ['succeeded', 'failed', 'canceled'].includes(status) ? now : null,
    canceled_at: null,
    error: status === 'failed' ? 'terraform apply: boom' : undefined,
    status,
    file_id: randomUUID(),
    tags: { scope: 'organization', owner: '' },
    queue_position: 0,
    queue_size: 0,
    organization_id: orgId,
    type: 'template_version_import',
    input: {},
    logs_overflowed: false,
    ...overrides,
  }
}

export function sampleTemplateVersion(status: string, matched = 1) {
  return {
    id: randomUUID(),
    template_id: null,
    organization_id: orgId,
    created_at: now,
    updated_at: now,
    name: 'brave_turing1',
    message: '',
    job: sampleJob(status),
    readme: '',
    created_by: { id: randomUUID(), username: 'admin' },
    archived: false,
    warnings: [],
    matched_provisioners: { count: matched, available: matched },
    has_external_agent: false,
  }
}

export function sampleTemplate(overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    created_at: now,
    updated_at: now,
    organization_id: orgId,
    organization_name: 'coder',
    organization_display_name: 'Coder',
    organization_icon: '',
    name: 'scaletest-test-template',
    display_name: '',
    provisioner: 'echo',
    active_version_id: randomUUID(),
    active_user_count: 0,
    build_time_stats: {},
    description: '',
    deprecated: false,
    deprecation_message: '',
    icon: '',
    default_ttl_ms: 0,
    allow_user_cancel_workspace_jobs: true,
    created_by_id: randomUUID(),
    created_by_name: 'admin',
    ...overrides,
  }
}

export function sampleBuild(status: string, jobStatus: string) {
  return {
    id: randomUUID(),
    created_at: now,
    updated_at: now,
    workspace_id: randomUUID(),
    workspace_name: 'scaletest-abcdefgh-0',
    workspace_owner_id: randomUUID(),
    workspace_owner_name: 'admin',
    template_version_id: randomUUID(),
    template_version_name: 'brave_turing1',
    build_number: 1,
    transition: 'start',
    initiator_id: randomUUID(),
    initiator_name: 'admin',
    job: sampleJob(jobStatus, { type: 'workspace_build' }),
    reason: 'initiator',
    resources: [],
    status,
    daily_cost: 0,
  }
}

export function sampleWorkspace(overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    created_at: now,
    updated_at: now,
    owner_id: randomUUID(),
    owner_name: 'admin',
    organization_id: orgId,
    organization_name: 'coder',
    template_id: randomUUID(),
    template_name: 'scaletest-test-template',
    template_display_name: '',
    template_icon: '',
    template_allow_user_cancel_workspace_jobs: true,
    template_active_version_id: randomUUID(),
    template_require_active_version: false,
    latest_build: sampleBuild('running', 'succeeded'),
    latest_app_status: null,
    outdated: false,
    name: 'scaletest-abcdefgh-0',
    autostart_schedule: null,
    ttl_ms: null,
    last_used_at: now,
    deleting_at: null,
    dormant_at: null,
    health: { healthy: true, failing_agents: [] },
    automatic_updates: 'never',
    allow_renames: false,
    favorite: false,
    next_start_at: null,
    is_prebuild: false,
    ...overrides,
  }
}

export function sampleInboxFrame(templateId: string, unread = 1) {
  return {
    notification: {
      id: randomUUID(),
      user_id: randomUUID(),
      template_id: templateId,
      targets: [randomUUID(), orgId],
      title: 'Template "x" deleted',
      content: 'Hi admin, the template **x** was deleted by **owner**.',
      icon: 'DEFAULT_TEMPLATE_ICON',
      actions: [{ label: 'View templates', url: 'http://127.0.0.1/templates' }],
      read_at: null,
      created_at: now,
    },
    unread_count: unread,
  }
}
