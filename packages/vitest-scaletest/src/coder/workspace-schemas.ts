import { z } from 'zod'

import { idSchema, matchedProvisionersSchema, provisionerJobSchema } from './schemas.ts'

// Workspace and build shapes from codersdk (workspaces.go, workspacebuilds.go).

const timestamp = z.string()

export const buildTransitionSchema = z.enum(['start', 'stop', 'delete'])
/** codersdk BuildReason (the swagger's inline enum lists only the first three). */
export const buildReasonSchema = z.enum([
  'initiator',
  'autostart',
  'autostop',
  'dormancy',
  'dashboard',
  'cli',
  'ssh_connection',
  'vscode_connection',
  'jetbrains_connection',
])
export const workspaceStatusSchema = z.enum([
  'pending',
  'starting',
  'running',
  'stopping',
  'stopped',
  'failed',
  'canceling',
  'canceled',
  'deleting',
  'deleted',
])

/** codersdk.WorkspaceAppStatus (codersdk/workspaceapps.go). */
export const workspaceAppStatusSchema = z.looseObject({
  id: idSchema,
  created_at: timestamp,
  workspace_id: idSchema,
  agent_id: idSchema,
  app_id: idSchema,
  state: z.enum(['working', 'idle', 'complete', 'failure']),
  message: z.string(),
  uri: z.string(),
})

export const workspaceAgentSchema = z.object({
  id: idSchema,
  name: z.string(),
  status: z.string(),
  lifecycle_state: z.string(),
  resource_id: idSchema.optional(),
  apps: z.array(z.looseObject({ slug: z.string(), subdomain: z.boolean().optional() })).nullish(),
  first_connected_at: timestamp.nullish(),
  started_at: timestamp.nullish(),
  ready_at: timestamp.nullish(),
  health: z.object({ healthy: z.boolean(), reason: z.string().optional() }).optional(),
})

export const workspaceResourceSchema = z.object({
  id: idSchema,
  created_at: timestamp.optional(),
  job_id: idSchema,
  workspace_transition: buildTransitionSchema,
  type: z.string(),
  name: z.string(),
  hide: z.boolean().optional(),
  icon: z.string().optional(),
  agents: z.array(workspaceAgentSchema).nullish(),
  daily_cost: z.number().optional(),
})

export const workspaceBuildSchema = z.object({
  id: idSchema,
  created_at: timestamp,
  updated_at: timestamp,
  workspace_id: idSchema,
  workspace_name: z.string(),
  workspace_owner_id: idSchema,
  workspace_owner_name: z.string().optional(),
  template_version_id: idSchema,
  template_version_name: z.string(),
  build_number: z.number().int(),
  transition: buildTransitionSchema,
  initiator_id: idSchema,
  initiator_name: z.string(),
  job: provisionerJobSchema,
  reason: buildReasonSchema,
  resources: z.array(workspaceResourceSchema).nullable(),
  deadline: timestamp.nullish(),
  max_deadline: timestamp.nullish(),
  status: workspaceStatusSchema,
  daily_cost: z.number(),
  matched_provisioners: matchedProvisionersSchema.nullish(),
  template_version_preset_id: idSchema.nullish(),
  has_external_agent: z.boolean().nullish(),
})
export const workspaceBuildsSchema = z.array(workspaceBuildSchema)

export const workspaceSchema = z.object({
  id: idSchema,
  created_at: timestamp,
  updated_at: timestamp,
  owner_id: idSchema,
  owner_name: z.string(),
  owner_avatar_url: z.string().optional(),
  organization_id: idSchema,
  organization_name: z.string(),
  template_id: idSchema,
  template_name: z.string(),
  template_display_name: z.string(),
  template_icon: z.string(),
  template_allow_user_cancel_workspace_jobs: z.boolean(),
  template_active_version_id: idSchema,
  template_require_active_version: z.boolean(),
  template_use_classic_parameter_flow: z.boolean().optional(),
  latest_build: workspaceBuildSchema,
  latest_app_status: workspaceAppStatusSchema.nullish(),
  outdated: z.boolean(),
  name: z.string(),
  autostart_schedule: z.string().nullish(),
  ttl_ms: z.number().nullish(),
  last_used_at: timestamp,
  deleting_at: timestamp.nullish(),
  dormant_at: timestamp.nullish(),
  health: z.object({ healthy: z.boolean(), failing_agents: z.array(idSchema).nullable() }),
  automatic_updates: z.enum(['always', 'never']),
  allow_renames: z.boolean().optional(),
  favorite: z.boolean(),
  next_start_at: timestamp.nullish(),
  is_prebuild: z.boolean().optional(),
})

export const workspacesResponseSchema = z.object({
  workspaces: z.array(workspaceSchema),
  count: z.number().int(),
})

export type BuildTransition = z.infer<typeof buildTransitionSchema>
export type BuildReason = z.infer<typeof buildReasonSchema>
export type WorkspaceStatus = z.infer<typeof workspaceStatusSchema>
export type WorkspaceResource = z.infer<typeof workspaceResourceSchema>
export type WorkspaceAgent = z.infer<typeof workspaceAgentSchema>
export type WorkspaceBuild = z.infer<typeof workspaceBuildSchema>
export type Workspace = z.infer<typeof workspaceSchema>
export type WorkspacesResponse = z.infer<typeof workspacesResponseSchema>
