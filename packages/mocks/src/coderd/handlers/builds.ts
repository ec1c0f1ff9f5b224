import { z } from 'zod'

import { isOwner } from '../auth.ts'
import { buildJson } from '../convert.ts'
import { ApiError, badRequest, forbidden, notFound } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendJson } from '../http/respond.ts'
import type { Ctx, SimRoute } from '../sim.ts'
import { conflict, paginate, readPage, resolveUser } from './common.ts'
import { isActive, sendLogs } from './template-versions.ts'
import { canSee, findBuild, findWorkspace, parameterValues, startBuild } from './workspaces.ts'

const createBuildSchema = z.strictObject({
  transition: z.enum(['start', 'stop', 'delete']),
  template_version_id: z.uuid().optional(),
  dry_run: z.boolean().optional(),
  state: z.array(z.number()).optional(),
  orphan: z.boolean().optional(),
  rich_parameter_values: parameterValues.optional(),
  log_level: z.enum(['debug', '']).optional(),
  template_version_preset_id: z.uuid().optional(),
  reason: z
    .enum(['cli', 'dashboard', 'ssh_connection', 'vscode_connection', 'jetbrains_connection'])
    .optional(),
})

/** Workspace builds: create (409 while one is active), list, get, logs, cancel. */
export function buildRoutes(): SimRoute[] {
  const view = (ctx: Ctx) => ctx.sim.provisioner
  return [
    {
      method: 'POST',
      pattern: '/api/v2/workspaces/:id/builds',
      handler: async (ctx) => {
        const workspace = findWorkspace(ctx, ctx.params.id!)
        const body = await readJson(ctx.req, createBuildSchema)
        const { state } = ctx.sim
        if (workspace.ownerId !== ctx.user.id && !isOwner(ctx.user)) throw forbidden()
        if (body.orphan && body.transition !== 'delete')
          throw badRequest('Orphan is only permitted when deleting a workspace.', [
            { field: 'orphan', detail: 'only with transition delete' },
          ])
        const latest = state.latestBuild(workspace)
        if (isActive(state.jobOf(latest))) throw conflict('A workspace build is already active.')
        const template = state.templates.get(workspace.templateId)
        const versionId =
          body.template_version_id ??
          (body.transition === 'start'
            ? (template?.activeVersionId ?? latest.templateVersionId)
            : latest.templateVersionId)
        const version = state.templateVersions.get(versionId)
        if (!version || version.templateId !== workspace.templateId)
          throw badRequest('Template version not found.', [
            { field: 'template_version_id', detail: "not a version of this workspace's template" },
          ])
        const build = startBuild(ctx.sim, workspace, {
          transition: body.transition,
          versionId,
          initiatorId: ctx.user.id,
          reason: body.reason ?? 'initiator',
        })
        sendJson(ctx.res, 201, buildJson(state, view(ctx), build))
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/workspaces/:id/builds',
      handler: (ctx) => {
        const workspace = findWorkspace(ctx, ctx.params.id!, true)
        const page = readPage(ctx.url)
        const builds = [...ctx.sim.state.builds.values()]
          .filter((b) => b.workspaceId === workspace.id)
          .sort((a, b) => b.buildNumber - a.buildNumber)
        sendJson(
          ctx.res,
          200,
          paginate(builds, page).map((b) => buildJson(ctx.sim.state, view(ctx), b)),
        )
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/users/:user/workspace/:name/builds/:number',
      handler: (ctx) => {
        const owner = resolveUser(ctx, ctx.params.user!)
        const workspace = [...ctx.sim.state.workspaces.values()].find(
          (w) => w.ownerId === owner.id && w.name === ctx.params.name && canSee(ctx.user, w),
        )
        const build =
          workspace &&
          [...ctx.sim.state.builds.values()].find(
            (b) => b.workspaceId === workspace.id && String(b.buildNumber) === ctx.params.number,
          )
        if (!build) throw notFound()
        sendJson(ctx.res, 200, buildJson(ctx.sim.state, view(ctx), build))
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/workspacebuilds/:id',
      handler: (ctx) =>
        sendJson(ctx.res, 200, buildJson(ctx.sim.state, view(ctx), findBuild(ctx, ctx.params.id!))),
    },
    {
      method: 'GET',
      pattern: '/api/v2/workspacebuilds/:id/logs',
      handler: (ctx) => sendLogs(ctx, ctx.sim.state.jobOf(findBuild(ctx, ctx.params.id!))),
    },
    {
      method: 'PATCH',
      pattern: '/api/v2/workspacebuilds/:id/cancel',
      handler: (ctx) => {
        const build = findBuild(ctx, ctx.params.id!)
        const { state } = ctx.sim
        const workspace = state.workspaces.get(build.workspaceId)!
        const template = state.templates.get(workspace.templateId)
        const allowed =
          isOwner(ctx.user) ||
          (workspace.ownerId === ctx.user.id && (template?.allowUserCancelWorkspaceJobs ?? true))
        if (!allowed)
          throw new ApiError(403, 'User is not allowed to cancel workspace builds. Owner role is required.')
        const expect = ctx.url.searchParams.get('expect_status')
        if (expect !== null && expect !== 'pending' && expect !== 'running')
          throw badRequest("Invalid expect_status. Only 'pending' or 'running' are allowed.", [
            { field: 'expect_status', detail: 'pending or running' },
          ])
        const job = state.jobOf(build)
        if (job.status === 'canceling' || job.status === 'canceled')
          throw badRequest('Job has already been marked as canceled!')
        if (!isActive(job)) throw badRequest('Job has already completed!')
        if (expect !== null && job.status !== expect)
          throw new ApiError(412, 'Job is not in the expected state.', {
            detail: `job status is ${job.status}`,
          })
        ctx.sim.provisioner.cancel(job)
        sendJson(ctx.res, 200, { message: 'Job has been marked as canceled...' })
      },
    },
  ]
}
