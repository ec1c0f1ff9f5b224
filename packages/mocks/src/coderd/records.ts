// In-memory records. API shapes are built from these by convert.ts; nothing here is sent as-is.

export type SiteRole = 'owner' | 'template-admin' | 'user-admin' | 'auditor'
export type LoginType = 'password' | 'github' | 'oidc' | 'token' | 'none'
export type UserStatus = 'active' | 'dormant' | 'suspended'
export type JobStatus = 'pending' | 'running' | 'succeeded' | 'canceling' | 'canceled' | 'failed'
export type JobType = 'template_version_import' | 'workspace_build' | 'template_version_dry_run'
export type Transition = 'start' | 'stop' | 'delete'

export interface UserRecord {
  id: string
  username: string
  email: string
  name: string
  passwordHash: string | undefined
  loginType: LoginType
  status: UserStatus
  siteRoles: SiteRole[]
  organizationIds: string[]
  createdAt: string
  updatedAt: string
  lastSeenAt: string
  /** Notification template id → disabled. */
  disabledTemplates: Map<string, string>
}

export interface OrganizationRecord {
  id: string
  name: string
  displayName: string
  description: string
  icon: string
  isDefault: boolean
  createdAt: string
  updatedAt: string
  /** User id → organization roles. */
  memberRoles: Map<string, string[]>
}

export interface TokenRecord {
  id: string
  secret: string
  userId: string
  name: string
  scope: string
  loginType: LoginType
  createdAt: string
  expiresAt: number
}

export interface FileRecord {
  id: string
  sha256: string
  contentType: string
  data: Buffer
  createdBy: string
  createdAt: string
}

export interface JobLogRecord {
  id: number
  created_at: string
  log_source: 'provisioner_daemon' | 'provisioner'
  log_level: 'trace' | 'debug' | 'info' | 'warn' | 'error'
  stage: string
  output: string
}

export interface JobRecord {
  id: string
  type: JobType
  status: JobStatus
  provisioner: string
  createdAt: string
  updatedAt: string
  startedAt: string | undefined
  completedAt: string | undefined
  canceledAt: string | undefined
  error: string | undefined
  workerId: string | undefined
  workerName: string | undefined
  fileId: string
  tags: Record<string, string>
  organizationId: string
  templateVersionId: string | undefined
  workspaceBuildId: string | undefined
  logs: JobLogRecord[]
}

export interface TemplateVersionRecord {
  id: string
  templateId: string | undefined
  organizationId: string
  name: string
  message: string
  jobId: string
  fileId: string
  provisioner: string
  createdBy: string
  createdAt: string
  updatedAt: string
  archived: boolean
}

export interface TemplateRecord {
  id: string
  organizationId: string
  name: string
  displayName: string
  description: string
  icon: string
  provisioner: string
  activeVersionId: string
  createdBy: string
  createdAt: string
  updatedAt: string
  deprecationMessage: string
  defaultTtlMs: number
  activityBumpMs: number
  failureTtlMs: number
  timeTilDormantMs: number
  timeTilDormantAutodeleteMs: number
  allowUserCancelWorkspaceJobs: boolean
  allowUserAutostart: boolean
  allowUserAutostop: boolean
  requireActiveVersion: boolean
  maxPortShareLevel: string
  useClassicParameterFlow: boolean
  autostopRequirement: { days_of_week: string[]; weeks: number }
  autostartRequirement: { days_of_week: string[] }
  corsBehavior: string
}

export interface WorkspaceRecord {
  id: string
  organizationId: string
  ownerId: string
  templateId: string
  name: string
  createdAt: string
  updatedAt: string
  lastUsedAt: string
  latestBuildId: string
  autostartSchedule: string | undefined
  ttlMs: number | undefined
  automaticUpdates: 'always' | 'never'
  deleted: boolean
}

export interface BuildRecord {
  id: string
  workspaceId: string
  templateVersionId: string
  buildNumber: number
  transition: Transition
  initiatorId: string
  jobId: string
  reason: string
  createdAt: string
  updatedAt: string
}

export interface InboxAction {
  label: string
  url: string
}

export interface InboxNotificationRecord {
  id: string
  user_id: string
  template_id: string
  targets: string[]
  title: string
  content: string
  icon: string
  actions: InboxAction[]
  read_at: string | null
  created_at: string
}
