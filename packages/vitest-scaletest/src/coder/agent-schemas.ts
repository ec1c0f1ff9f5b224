import { z } from 'zod'

import { idSchema } from './schemas.ts'

// codersdk.WorkspaceAgent (codersdk/workspaceagents.go) and ExternalAgentCredentials.

const timestamp = z.string()

export const workspaceAgentStatusSchema = z.enum(['connecting', 'connected', 'disconnected', 'timeout'])
export const workspaceAgentLifecycleSchema = z.enum([
  'created',
  'starting',
  'start_timeout',
  'start_error',
  'ready',
  'shutting_down',
  'shutdown_timeout',
  'shutdown_error',
  'off',
])

export const workspaceAppSchema = z.looseObject({
  id: idSchema.optional(),
  slug: z.string(),
  display_name: z.string().optional(),
  subdomain: z.boolean().optional(),
  subdomain_name: z.string().optional(),
  url: z.string().optional(),
})

export const workspaceAgentDetailSchema = z.looseObject({
  id: idSchema,
  parent_id: idSchema.nullish(),
  name: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
  first_connected_at: timestamp.nullish(),
  last_connected_at: timestamp.nullish(),
  disconnected_at: timestamp.nullish(),
  started_at: timestamp.nullish(),
  ready_at: timestamp.nullish(),
  status: workspaceAgentStatusSchema,
  lifecycle_state: workspaceAgentLifecycleSchema,
  resource_id: idSchema,
  architecture: z.string(),
  operating_system: z.string(),
  environment_variables: z.record(z.string(), z.string()).nullish(),
  version: z.string(),
  api_version: z.string(),
  apps: z.array(workspaceAppSchema).nullable(),
  connection_timeout_seconds: z.number().int(),
  troubleshooting_url: z.string(),
  logs_length: z.number().int(),
  logs_overflowed: z.boolean(),
  subsystems: z.array(z.string()).nullable(),
  health: z.object({ healthy: z.boolean(), reason: z.string().optional() }),
  display_apps: z.array(z.string()).nullable(),
  log_sources: z.array(z.looseObject({ id: idSchema, display_name: z.string() })).nullable(),
  scripts: z.array(z.looseObject({})).nullable(),
  startup_script_behavior: z.string(),
})

export const externalAgentCredentialsSchema = z.object({
  agent_token: z.string(),
  command: z.string(),
})

export type WorkspaceAgentStatus = z.infer<typeof workspaceAgentStatusSchema>
export type WorkspaceAgentLifecycle = z.infer<typeof workspaceAgentLifecycleSchema>
export type WorkspaceAgentDetail = z.infer<typeof workspaceAgentDetailSchema>
export type ExternalAgentCredentials = z.infer<typeof externalAgentCredentialsSchema>
