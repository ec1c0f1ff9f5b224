// Shapes of the event streams (codersdk): experiments, watch-all builds, workspace updates.

import { z } from 'zod'

/** `GET /api/v2/experiments`: the enabled experiments (`codersdk.Experiments`). */
export const experimentsSchema = z.array(z.string())

/** `codersdk.ExperimentWorkspaceBuildUpdates`, which gates the watch-all stream. */
export const WORKSPACE_BUILD_UPDATES_EXPERIMENT = 'workspace-build-updates'

const jobStatus = z.enum(['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed'])

/** One bare message of `GET /api/experimental/watch-all-workspacebuilds` (`codersdk.WorkspaceBuildUpdate`). */
export const workspaceBuildUpdateSchema = z.object({
  workspace_id: z.uuid(),
  workspace_name: z.string(),
  build_id: z.uuid(),
  transition: z.enum(['start', 'stop', 'delete']),
  job_status: jobStatus,
  build_number: z.number().int(),
})
export type WorkspaceBuildUpdate = z.infer<typeof workspaceBuildUpdateSchema>

/** `tailnet.proto` Workspace.Status by name. */
export const tailnetWorkspaceStatusSchema = z.enum([
  'UNKNOWN',
  'PENDING',
  'STARTING',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'FAILED',
  'CANCELING',
  'CANCELED',
  'DELETING',
  'DELETED',
])

const updateWorkspace = z.object({ id: z.uuid(), name: z.string(), status: tailnetWorkspaceStatusSchema })
const updateAgent = z.object({ id: z.string(), name: z.string(), workspace_id: z.uuid() })

/** One `WorkspaceUpdate` of the workspace-updates stream, in the simulator's JSON carriage. */
export const workspaceUpdateSchema = z.object({
  upserted_workspaces: z.array(updateWorkspace),
  upserted_agents: z.array(updateAgent),
  deleted_workspaces: z.array(updateWorkspace),
  deleted_agents: z.array(updateAgent),
})
export type WorkspaceUpdate = z.infer<typeof workspaceUpdateSchema>
