import { randomUUID } from 'node:crypto'

import { z } from 'zod'

import { canReadAllWorkspaces, isOwner } from '../auth.ts'
import { buildStatus, workspaceJson } from '../convert.ts'
import { badRequest, forbidden, notFound } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendEmpty, sendJson } from '../http/respond.ts'
import type { BuildRecord, Transition, UserRecord, WorkspaceRecord } from '../records.ts'
import { parseWeeklySchedule } from '../schedule.ts'
import type { Ctx, Sim, SimRoute } from '../sim.ts'
import { now } from '../state.ts'
import { conflict, paginate, parseSearch, readPage, requireUuid, resolveUser } from './common.ts'
import { resolveOrganization } from './organizations.ts'
import { newJob } from './template-versions.ts'

const WORKSPACE_NAME = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/
export const parameterValues = z.array(z.strictObject({ name: z.string(), value: z.string() }))

const createWorkspaceSchema = z.strictObject({
  template_id: z.uuid().optional(),
  template_version_id: z.uuid().optional(),
  name: z
    .string()
    .max(32)
    .regex(WORKSPACE_NAME, 'must start with a letter or digit and contain only letters, digits and hyphens')
    .refine((n) => n !== 'new' && n !== 'create', 'is reserved'),
  autostart_schedule: z.string().optional(),
  ttl_ms: z.number().int().min(0).nullable().optional(),
  rich_parameter_values: parameterValues.optional(),
  automatic_updates: z.enum(['always', 'never']).optional(),
  template_version_preset_id: z.uuid().optional(),
})

const autostartSchema = z.strictObject({ schedule: z.string().nullable().optional() })
const ttlSchema = z.strictObject({ ttl_ms: z.number().int().min(0).nullable() })

export function canSee(user: UserRecord, workspace: WorkspaceRecord): boolean {
  return workspace.ownerId === user.id || canReadAllWorkspaces(user)
}

export function findWorkspace(ctx: Ctx, id: string, includeDeleted = false): WorkspaceRecord {
  const workspace = ctx.sim.state.workspaces.get(requireUuid(id, 'workspace'))
  if (!workspace || (workspace.deleted && !includeDeleted) || !canSee(ctx.user, workspace)) throw notFound()
  return workspace
}

export function findBuild(ctx: Ctx, id: string): BuildRecord {
  const build = ctx.sim.state.builds.get(requireUuid(id, 'workspacebuild'))
  const workspace = build && ctx.sim.state.workspaces.get(build.workspaceId)
  if (!build || !workspace || !canSee(ctx.user, workspace)) throw notFound()
  return build
}

/** Queues a build job with the version's provisioner tags; the job's changes drive the build's status. */
export function startBuild(
  sim: Sim,
  workspace: WorkspaceRecord,
  fields: { transition: Transition; versionId: string; initiatorId: string; reason: string },
): BuildRecord {
  const state = sim.state
  const version = state.templateVersions.get(fields.versionId)!
  const versionJob = state.jobs.get(version.jobId)!
  const previous = workspace.latestBuildId ? state.builds.get(workspace.latestBuildId) : undefined
  const at = now()
  const build: BuildRecord = {
    id: randomUUID(),
    workspaceId: workspace.id,
    templateVersionId: version.id,
    buildNumber: (previous?.buildNumber ?? 0) + 1,
    transition: fields.transition,
    initiatorId: fields.initiatorId,
    jobId: '',
    reason: fields.reason,
    createdAt: at,
    updatedAt: at,
  }
  const job = newJob({
    type: 'workspace_build',
    provisioner: version.provisioner,
    fileId: version.fileId,
    tags: versionJob.tags,
    organizationId: workspace.organizationId,
    workspaceBuildId: build.id,
  })
  build.jobId = job.id
  state.jobs.set(job.id, job)
  state.builds.set(build.id, build)
  workspace.latestBuildId = build.id
  workspace.updatedAt = at
  sim.workspaceTopics.emit(workspace.id)
  sim.enqueueJob(job)
  return build
}

function searchWorkspaces(ctx: Ctx, q: string): WorkspaceRecord[] {
  const { state } = ctx.sim
  const { filters, words } = parseSearch(q)
  let out = [...state.workspaces.values()].filter((w) => !w.deleted && canSee(ctx.user, w))
  for (const word of words) out = out.filter((w) => w.name.includes(word))
  for (const [key, value] of filters) {
    if (key === 'name') out = out.filter((w) => w.name.includes(value))
    else if (key === 'owner') {
      const owner = value === 'me' ? ctx.user : state.findUser(value)
      out = out.filter((w) => w.ownerId === owner?.id)
    } else if (key === 'template') out = out.filter((w) => state.templates.get(w.templateId)?.name === value)
    else if (key === 'id') out = out.filter((w) => w.id === value)
    else if (key === 'organization')
      out = out.filter((w) => w.organizationId === state.findOrganization(value)?.id)
    else if (key === 'status')
      out = out.filter((w) => {
        const build = state.latestBuild(w)
        return buildStatus(build.transition, state.jobOf(build).status) === value
      })
    else if (key === 'outdated')
      out = out.filter(
        (w) =>
          (state.templates.get(w.templateId)?.activeVersionId !== state.latestBuild(w).templateVersionId) ===
          (value === 'true'),
      )
    else if (
      !['has-agent', 'dormant', 'last_used_before', 'last_used_after', 'has-ai-task', 'param'].includes(key)
    )
      throw badRequest('Invalid workspace search query.', [
        { field: 'q', detail: `Query param "${key}" is not a valid query param` },
      ])
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt))
}

async function createWorkspace(
  ctx: Ctx,
  owner: UserRecord,
  organizationId: string | undefined,
): Promise<void> {
  const body = await readJson(ctx.req, createWorkspaceSchema)
  const { state } = ctx.sim
  if (owner.id !== ctx.user.id && !isOwner(ctx.user))
    throw forbidden('Unauthorized access to create a workspace for another user.')
  if (!body.template_id === !body.template_version_id)
    throw badRequest('Exactly one of template_id or template_version_id must be set.', [
      { field: 'template_id', detail: 'set template_id or template_version_id' },
    ])
  const version = body.template_version_id ? state.templateVersions.get(body.template_version_id) : undefined
  const template = state.templates.get(body.template_id ?? version?.templateId ?? '')
  if (!template || (organizationId && template.organizationId !== organizationId))
    throw badRequest(`Template "${body.template_id ?? body.template_version_id}" doesn't exist.`, [
      { field: 'template_id', detail: 'template not found' },
    ])
  const versionId = version?.id ?? template.activeVersionId
  if (state.jobs.get(state.templateVersions.get(versionId)!.jobId)!.status !== 'succeeded')
    throw badRequest('The provided template version has not finished importing.', [
      { field: 'template_version_id', detail: 'import job has not succeeded' },
    ])
  for (const w of state.workspaces.values())
    if (!w.deleted && w.ownerId === owner.id && w.name === body.name)
      throw conflict(`Workspace "${body.name}" already exists.`, [
        { field: 'name', detail: 'This value is already in use and should be unique.' },
      ])
  if (body.autostart_schedule && !parseWeeklySchedule(body.autostart_schedule))
    throw badRequest('Invalid autostart schedule.', [
      { field: 'autostart_schedule', detail: 'expected CRON_TZ=<tz> M H * * DOW' },
    ])
  const at = now()
  const workspace: WorkspaceRecord = {
    id: randomUUID(),
    organizationId: template.organizationId,
    ownerId: owner.id,
    templateId: template.id,
    name: body.name,
    createdAt: at,
    updatedAt: at,
    lastUsedAt: at,
    latestBuildId: '',
    autostartSchedule: body.autostart_schedule || undefined,
    ttlMs: body.ttl_ms ?? (template.defaultTtlMs || undefined),
    automaticUpdates: body.automatic_updates ?? 'never',
    deleted: false,
  }
  state.workspaces.set(workspace.id, workspace)
  startBuild(ctx.sim, workspace, {
    transition: 'start',
    versionId,
    initiatorId: ctx.user.id,
    reason: 'initiator',
  })
  sendJson(ctx.res, 201, workspaceJson(state, ctx.sim.provisioner, workspace))
}

export function workspaceRoutes(): SimRoute[] {
  const view = (ctx: Ctx) => ctx.sim.provisioner
  return [
    {
      method: 'POST',
      pattern: '/api/v2/organizations/:org/members/:user/workspaces',
      handler: (ctx) =>
        createWorkspace(
          ctx,
          resolveUser(ctx, ctx.params.user!),
          resolveOrganization(ctx, ctx.params.org!).id,
        ),
    },
    {
      method: 'POST',
      pattern: '/api/v2/users/:user/workspaces',
      handler: (ctx) => createWorkspace(ctx, resolveUser(ctx, ctx.params.user!), undefined),
    },
    {
      method: 'GET',
      pattern: '/api/v2/workspaces',
      handler: (ctx) => {
        const page = readPage(ctx.url)
        const all = searchWorkspaces(ctx, ctx.url.searchParams.get('q') ?? '')
        sendJson(ctx.res, 200, {
          workspaces: paginate(all, page).map((w) => workspaceJson(ctx.sim.state, view(ctx), w)),
          count: all.length,
        })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/workspaces/:id',
      handler: (ctx) => {
        const workspace = findWorkspace(
          ctx,
          ctx.params.id!,
          ctx.url.searchParams.get('include_deleted') === 'true',
        )
        sendJson(ctx.res, 200, workspaceJson(ctx.sim.state, view(ctx), workspace))
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/users/:user/workspace/:name',
      handler: (ctx) => {
        const owner = resolveUser(ctx, ctx.params.user!)
        const workspace = [...ctx.sim.state.workspaces.values()].find(
          (w) => !w.deleted && w.ownerId === owner.id && w.name === ctx.params.name,
        )
        if (!workspace || !canSee(ctx.user, workspace)) throw notFound()
        sendJson(ctx.res, 200, workspaceJson(ctx.sim.state, view(ctx), workspace))
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v2/workspaces/:id/autostart',
      handler: async (ctx) => {
        const workspace = findWorkspace(ctx, ctx.params.id!)
        const body = await readJson(ctx.req, autostartSchema)
        if (workspace.ownerId !== ctx.user.id && !isOwner(ctx.user)) throw forbidden()
        const schedule = body.schedule || undefined
        if (schedule && !parseWeeklySchedule(schedule))
          throw badRequest('Invalid autostart schedule.', [
            { field: 'schedule', detail: `parse schedule: "${schedule}" is not CRON_TZ=<tz> M H * * DOW` },
          ])
        const template = ctx.sim.state.templates.get(workspace.templateId)
        if (schedule && template && !template.allowUserAutostart)
          throw badRequest('Autostart is not allowed for workspaces using this template.')
        workspace.autostartSchedule = schedule
        workspace.updatedAt = now()
        ctx.sim.workspaceTopics.emit(workspace.id)
        sendEmpty(ctx.res, 204)
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v2/workspaces/:id/ttl',
      handler: async (ctx) => {
        const workspace = findWorkspace(ctx, ctx.params.id!)
        const body = await readJson(ctx.req, ttlSchema)
        if (workspace.ownerId !== ctx.user.id && !isOwner(ctx.user)) throw forbidden()
        workspace.ttlMs = body.ttl_ms ?? undefined
        workspace.updatedAt = now()
        ctx.sim.workspaceTopics.emit(workspace.id)
        sendEmpty(ctx.res, 204)
      },
    },
  ]
}
