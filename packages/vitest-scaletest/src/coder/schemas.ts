import { z } from 'zod'

// Response shapes from codersdk. Only fields the toolkit reads are required;
// fields that differ between Coder revisions are optional. Unknown fields are dropped.
// Ids use z.guid(): Coder's fixed template ids are not RFC 4122 variants (e.g. `…-420f-…`).

export const idSchema = z.guid()
const timestamp = z.string()

export const messageResponseSchema = z.object({ message: z.string() })

export const buildInfoSchema = z.object({
  external_url: z.string(),
  version: z.string(),
  dashboard_url: z.string(),
  telemetry: z.boolean(),
  workspace_proxy: z.boolean(),
  agent_api_version: z.string(),
  provisioner_api_version: z.string().optional(),
  upgrade_message: z.string(),
  deployment_id: z.string(),
  webpush_public_key: z.string().optional(),
})

export const createFirstUserResponseSchema = z.object({ user_id: idSchema, organization_id: idSchema })
export const loginResponseSchema = z.object({ session_token: z.string().min(1) })

export const roleSchema = z.object({
  name: z.string(),
  display_name: z.string(),
  organization_id: z.string().optional(),
})

export const userStatusSchema = z.enum(['active', 'dormant', 'suspended'])
export const loginTypeSchema = z.enum(['password', 'github', 'oidc', 'token', 'none', ''])

export const userSchema = z.object({
  id: idSchema,
  username: z.string(),
  avatar_url: z.string().optional(),
  name: z.string().optional(),
  email: z.string(),
  created_at: timestamp,
  updated_at: timestamp.optional(),
  last_seen_at: timestamp.optional(),
  status: userStatusSchema,
  login_type: loginTypeSchema,
  theme_preference: z.string().optional(),
  organization_ids: z.array(idSchema),
  roles: z.array(roleSchema),
})

export const usersResponseSchema = z.object({ users: z.array(userSchema), count: z.number().int() })

// display_name and icon are optional so an organization without them still parses.
export const organizationSchema = z.object({
  id: idSchema,
  name: z.string(),
  display_name: z.string().optional(),
  icon: z.string().optional(),
  description: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
  is_default: z.boolean(),
})

export const generateTokenResponseSchema = z.object({ key: z.string().min(1) })
export const uploadResponseSchema = z.object({ hash: idSchema })

export const jobStatusSchema = z.enum([
  'pending',
  'running',
  'succeeded',
  'canceling',
  'canceled',
  'failed',
  'unknown',
])

export const provisionerJobTypeSchema = z.enum([
  'template_version_import',
  'workspace_build',
  'template_version_dry_run',
])

export const provisionerJobSchema = z.object({
  id: idSchema,
  created_at: timestamp,
  /** Who started the build or import (older coderd omits it). */
  initiator_id: idSchema.optional(),
  started_at: timestamp.nullish(),
  completed_at: timestamp.nullish(),
  canceled_at: timestamp.nullish(),
  error: z.string().nullish(),
  error_code: z.string().nullish(),
  status: jobStatusSchema,
  worker_id: idSchema.nullish(),
  worker_name: z.string().nullish(),
  file_id: idSchema,
  tags: z.record(z.string(), z.string()),
  queue_position: z.number().int(),
  queue_size: z.number().int(),
  organization_id: idSchema.optional(),
  type: provisionerJobTypeSchema.optional(),
  input: z
    .object({
      template_version_id: idSchema.nullish(),
      workspace_build_id: idSchema.nullish(),
      error: z.string().nullish(),
    })
    .optional(),
  logs_overflowed: z.boolean().optional(),
})

export const matchedProvisionersSchema = z.object({
  count: z.number().int(),
  available: z.number().int(),
  most_recently_seen: timestamp.nullish(),
})

export const templateVersionSchema = z.object({
  id: idSchema,
  template_id: idSchema.nullish(),
  organization_id: idSchema.optional(),
  created_at: timestamp,
  updated_at: timestamp,
  name: z.string(),
  message: z.string(),
  job: provisionerJobSchema,
  readme: z.string(),
  created_by: z.object({
    id: idSchema,
    username: z.string(),
    name: z.string().optional(),
    avatar_url: z.string().optional(),
  }),
  archived: z.boolean(),
  warnings: z.array(z.string()).nullish(),
  matched_provisioners: matchedProvisionersSchema.nullish(),
  has_external_agent: z.boolean().optional(),
})

export const provisionerJobLogSchema = z.object({
  id: z.number().int(),
  created_at: timestamp,
  log_source: z.enum(['provisioner_daemon', 'provisioner']),
  log_level: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
  stage: z.string(),
  output: z.string(),
})
export const provisionerJobLogsSchema = z.array(provisionerJobLogSchema)

export const templateSchema = z.object({
  id: idSchema,
  created_at: timestamp,
  updated_at: timestamp,
  organization_id: idSchema,
  organization_name: z.string(),
  organization_display_name: z.string().optional(),
  organization_icon: z.string().optional(),
  name: z.string(),
  display_name: z.string(),
  provisioner: z.string(),
  active_version_id: idSchema,
  active_user_count: z.number().int(),
  build_time_stats: z.record(z.string(), z.unknown()).optional(),
  description: z.string(),
  deprecated: z.boolean(),
  deprecation_message: z.string(),
  icon: z.string(),
  default_ttl_ms: z.number(),
  activity_bump_ms: z.number().optional(),
  failure_ttl_ms: z.number().optional(),
  time_til_dormant_ms: z.number().optional(),
  time_til_dormant_autodelete_ms: z.number().optional(),
  allow_user_autostart: z.boolean().optional(),
  allow_user_autostop: z.boolean().optional(),
  allow_user_cancel_workspace_jobs: z.boolean(),
  created_by_id: idSchema,
  created_by_name: z.string(),
  require_active_version: z.boolean().optional(),
  max_port_share_level: z.enum(['owner', 'authenticated', 'organization', 'public']).optional(),
  cors_behavior: z.enum(['simple', 'passthru']).optional(),
  use_classic_parameter_flow: z.boolean().optional(),
})
export const templatesSchema = z.array(templateSchema)

export const inboxNotificationSchema = z.object({
  id: idSchema,
  user_id: idSchema,
  template_id: idSchema,
  targets: z.array(idSchema).nullable(),
  title: z.string(),
  content: z.string(),
  icon: z.string(),
  actions: z.array(z.object({ label: z.string(), url: z.string() })).nullable(),
  read_at: timestamp.nullable(),
  created_at: timestamp,
})

export const inboxListSchema = z.object({
  // An earlier coderd sent `null` for an empty inbox (a nil Go slice): read it as [].
  notifications: z
    .array(inboxNotificationSchema)
    .nullable()
    .transform((list) => list ?? []),
  unread_count: z.number().int(),
})

export const inboxWatchFrameSchema = z.object({
  notification: inboxNotificationSchema,
  unread_count: z.number().int(),
})

export const inboxReadStatusResponseSchema = inboxWatchFrameSchema

export const notificationTemplateSchema = z.object({
  id: idSchema,
  name: z.string(),
  title_template: z.string(),
  body_template: z.string(),
  actions: z.string(),
  group: z.string(),
  method: z.string(),
  kind: z.string(),
  enabled_by_default: z.boolean(),
})
export const notificationTemplatesSchema = z.array(notificationTemplateSchema)

/** One-way websocket ("SSE over WS") message, e.g. `/workspaces/{id}/watch-ws`. */
export const oneWayFrameSchema = z.object({ type: z.enum(['ping', 'data', 'error']), data: z.unknown() })

/** Coder's error body; every field optional so a bare proxy error still parses. */
export const errorBodySchema = z.object({
  message: z.string().optional(),
  detail: z.string().optional(),
  validations: z.array(z.object({ field: z.string(), detail: z.string() })).nullish(),
})

export type BuildInfo = z.infer<typeof buildInfoSchema>
export type CreateFirstUserResponse = z.infer<typeof createFirstUserResponseSchema>
export type LoginResponse = z.infer<typeof loginResponseSchema>
export type User = z.infer<typeof userSchema>
export type UsersResponse = z.infer<typeof usersResponseSchema>
export type Organization = z.infer<typeof organizationSchema>
export type GenerateTokenResponse = z.infer<typeof generateTokenResponseSchema>
export type UploadResponse = z.infer<typeof uploadResponseSchema>
export type ProvisionerJobStatus = z.infer<typeof jobStatusSchema>
export type ProvisionerJob = z.infer<typeof provisionerJobSchema>
export type ProvisionerJobLog = z.infer<typeof provisionerJobLogSchema>
export type TemplateVersion = z.infer<typeof templateVersionSchema>
export type Template = z.infer<typeof templateSchema>
export type InboxNotification = z.infer<typeof inboxNotificationSchema>
export type InboxList = z.infer<typeof inboxListSchema>
export type InboxWatchFrame = z.infer<typeof inboxWatchFrameSchema>
export type NotificationTemplate = z.infer<typeof notificationTemplateSchema>
