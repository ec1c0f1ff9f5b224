// `PATCH /api/v2/workspaceagents/me/app-status`: an agent (or an AI agent beside it) reports what an
// app is doing. Coder: coderd/workspaceagents.go patchWorkspaceAgentAppStatus behind
// httpmw.ExtractWorkspaceAgentAndLatestBuild (coderd/httpmw/workspaceagent.go), body
// agentsdk.PatchAppStatus (codersdk/agentsdk/agentsdk.go); the same checks live on in the dRPC
// UpdateAppStatus (coderd/agentapi/apps.go) that later Coder versions moved the report to.

import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

import { z } from 'zod'

import { tokenFrom } from '../auth.ts'
import { ApiError } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendJson } from '../http/respond.ts'
import type { SimRoute } from '../sim.ts'
import { isUuid, now, type SimState } from '../state.ts'
import type { AgentRecord, AppStatusRecord } from './store.ts'

const STATES = ['working', 'idle', 'complete', 'failure'] as const
/** Coder measures the message in bytes (Go's len). */
const MAX_MESSAGE_BYTES = 160

// Go decodes into zero values and ignores unknown fields; only wrong types are errors.
const bodySchema = z.object({
  app_slug: z.string().default(''),
  state: z.string().default(''),
  message: z.string().default(''),
  uri: z.string().default(''),
  // Deprecated in agentsdk but still sent by the Go client.
  icon: z.string().default(''),
  needs_user_attention: z.boolean().default(false),
})

/**
 * The agent a token belongs to, in the latest build of a live workspace, or Coder's 401. A user's
 * session token is no UUID, so it gets "Workspace agent token invalid.".
 */
export function authenticateAgent(state: SimState, req: IncomingMessage, url: URL): AgentRecord {
  const token = tokenFrom(req, url)
  if (!token) throw new ApiError(401, 'Cookie "coder_session_token" must be provided.')
  if (!isUuid(token))
    throw new ApiError(401, 'Workspace agent token invalid.', {
      detail: `An agent token must be a valid UUIDv4. (len ${token.length})`,
    })
  const agent = state.agents.byToken.get(token.toLowerCase())
  const workspace = agent && state.workspaces.get(agent.workspaceId)
  if (
    !agent ||
    !workspace ||
    workspace.deleted ||
    state.agents.agentBuildOf.get(agent.workspaceId) !== agent.buildId
  )
    throw new ApiError(401, 'Workspace agent not authorized.', {
      detail:
        'The agent cannot authenticate until the workspace provision job has been completed. If the job is no longer running, this agent is invalid.',
    })
  return agent
}

/** `publish` wakes the workspace's watchers (events/app-status.ts, where the fault hooks are). */
export function appStatusRoutes(publish: (workspaceId: string) => void): SimRoute[] {
  return [
    {
      method: 'PATCH',
      pattern: '/api/v2/workspaceagents/me/app-status',
      // Agent-token auth, not a user session: done here.
      public: true,
      handler: async (ctx) => {
        const { state } = ctx.sim
        const agent = authenticateAgent(state, ctx.req, ctx.url)
        const body = await readJson(ctx.req, bodySchema)
        if (Buffer.byteLength(body.message, 'utf8') > MAX_MESSAGE_BYTES)
          throw new ApiError(400, 'Message is too long.', {
            detail: 'Message must be less than 160 characters.',
            validations: [{ field: 'message', detail: 'Message must be less than 160 characters.' }],
          })
        if (!(STATES as readonly string[]).includes(body.state))
          throw new ApiError(400, 'Invalid state provided.', {
            detail: `invalid state: ${JSON.stringify(body.state)}`,
            validations: [
              { field: 'state', detail: 'State must be one of: complete, failure, working, idle.' },
            ],
          })
        const app = agent.apps.find((a) => a.slug === body.app_slug)
        if (!app)
          throw new ApiError(400, 'Failed to get workspace app.', {
            detail: `No app found with slug ${JSON.stringify(body.app_slug)}`,
          })
        const status: AppStatusRecord = {
          id: randomUUID(),
          createdAt: now(),
          workspaceId: agent.workspaceId,
          agentId: agent.id,
          appId: app.id,
          state: body.state as AppStatusRecord['state'],
          message: body.message,
          uri: body.uri,
          icon: body.icon,
          needsUserAttention: body.needs_user_attention,
        }
        app.statuses.unshift(status)
        state.agents.latestAppStatus.set(agent.workspaceId, status)
        publish(agent.workspaceId)
        sendJson(ctx.res, 200, null)
      },
    },
  ]
}
