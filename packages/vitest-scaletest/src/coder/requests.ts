// Request bodies and query options, spelled as codersdk spells them on the wire.

export interface CreateFirstUserRequest {
  email: string
  username: string
  password: string
  name?: string
  trial?: boolean
}

export interface LoginRequest {
  email: string
  password: string
}

export type SiteRole = 'owner' | 'template-admin' | 'user-admin' | 'auditor' | (string & {})

export interface CreateUserRequest {
  email: string
  username: string
  name?: string
  /** Only for `login_type: "password"`. */
  password?: string
  login_type?: 'password' | 'none' | 'github' | 'oidc'
  user_status?: 'active' | 'dormant' | 'suspended' | null
  /** At least one; `(await client.defaultOrganization()).id` for the default org. */
  organization_ids: string[]
}

export interface ListQuery {
  /** Coder search query, e.g. `scaletest-` for users or `name:"scaletest-" owner:"me"` for workspaces. */
  q?: string
  limit?: number
  offset?: number
  after_id?: string
}

export interface CreateTokenRequest {
  /** Go duration in **nanoseconds**; 0 or unset = server default. */
  lifetime?: number
  scope?: 'all' | 'application_connect'
  token_name?: string
}

export interface CreateTemplateVersionRequest {
  /** Hash from `uploadFile`. */
  file_id: string
  provisioner: 'terraform' | 'echo'
  storage_method?: 'file'
  template_id?: string
  name?: string
  message?: string
  tags?: Record<string, string>
  user_variable_values?: Array<{ name: string; value: string }>
}

export interface CreateTemplateRequest {
  name: string
  template_version_id: string
  display_name?: string
  description?: string
  icon?: string
  default_ttl_ms?: number
  activity_bump_ms?: number
  allow_user_cancel_workspace_jobs?: boolean | null
  allow_user_autostart?: boolean
  allow_user_autostop?: boolean
  failure_ttl_ms?: number
  dormant_ttl_ms?: number
  delete_ttl_ms?: number
  disable_everyone_group_access?: boolean
  require_active_version?: boolean
  max_port_share_level?: string
}

export interface UpdateTemplateRequest {
  name?: string
  display_name?: string
  description?: string
  icon?: string
  default_ttl_ms?: number
  activity_bump_ms?: number
  allow_user_cancel_workspace_jobs?: boolean
  allow_user_autostart?: boolean
  allow_user_autostop?: boolean
  failure_ttl_ms?: number
  time_til_dormant_ms?: number
  time_til_dormant_autodelete_ms?: number
  require_active_version?: boolean
  deprecation_message?: string
}

export interface ParameterValue {
  name: string
  value: string
}

export interface CreateWorkspaceRequest {
  name: string
  /** Exactly one of template_id / template_version_id. */
  template_id?: string
  template_version_id?: string
  autostart_schedule?: string
  ttl_ms?: number
  rich_parameter_values?: ParameterValue[]
  automatic_updates?: 'always' | 'never'
  template_version_preset_id?: string
}

export interface CreateWorkspaceBuildRequest {
  transition: 'start' | 'stop' | 'delete'
  template_version_id?: string
  dry_run?: boolean
  /** Delete only: drop the workspace without running the provisioner. */
  orphan?: boolean
  rich_parameter_values?: ParameterValue[]
  log_level?: 'debug'
  template_version_preset_id?: string
  reason?: 'cli' | 'dashboard' | 'ssh_connection' | 'vscode_connection' | 'jetbrains_connection'
}

export interface InboxFilter {
  /** Notifications must carry all of these target ids. */
  targets?: string[]
  /** Notifications must come from any of these notification template ids. */
  templates?: string[]
  read_status?: 'all' | 'read' | 'unread'
}

/** agentsdk.PatchAppStatus; the Go client always sends the deprecated icon and needs_user_attention. */
export interface PatchAppStatusRequest {
  app_slug: string
  state: 'working' | 'idle' | 'complete' | 'failure'
  message: string
  uri: string
  icon?: string
  needs_user_attention?: boolean
}
