import { randomUUID } from 'node:crypto'

import { z } from 'zod'

import { canManageTemplates } from '../auth.ts'
import { templateJson, templateVersionJson } from '../convert.ts'
import { ApiError, badRequest, forbidden, notFound } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendEmpty, sendJson } from '../http/respond.ts'
import { TEMPLATE_DELETED } from '../notifications/catalogue.ts'
import type { TemplateRecord } from '../records.ts'
import type { Ctx, SimRoute } from '../sim.ts'
import { now } from '../state.ts'
import { conflict, parseSearch, requireUuid } from './common.ts'
import { resolveOrganization } from './organizations.ts'
import { findVersion } from './template-versions.ts'

const NAME = /^[a-zA-Z0-9]+(?:[-_][a-zA-Z0-9]+)*$/
const templateName = z
  .string()
  .min(1)
  .max(32)
  .regex(NAME, 'must be alphanumeric with single hyphens or underscores, at most 32 characters')
const ms = z.number().int().min(0)
const autostop = z.strictObject({ days_of_week: z.array(z.string()), weeks: z.number().int().min(0) })
const autostart = z.strictObject({ days_of_week: z.array(z.string()) })

const policyFields = {
  display_name: z.string().max(64).optional(),
  description: z.string().max(128).optional(),
  icon: z.string().optional(),
  default_ttl_ms: ms.optional(),
  activity_bump_ms: ms.optional(),
  autostop_requirement: autostop.optional(),
  autostart_requirement: autostart.optional(),
  allow_user_cancel_workspace_jobs: z.boolean().nullable().optional(),
  allow_user_autostart: z.boolean().optional(),
  allow_user_autostop: z.boolean().optional(),
  failure_ttl_ms: ms.optional(),
  require_active_version: z.boolean().optional(),
  max_port_share_level: z.enum(['owner', 'authenticated', 'organization', 'public']).optional(),
  use_classic_parameter_flow: z.boolean().optional(),
  cors_behavior: z.enum(['simple', 'passthru']).optional(),
  disable_everyone_group_access: z.boolean().optional(),
}

const createTemplateSchema = z.strictObject({
  name: templateName,
  template_version_id: z.uuid(),
  ...policyFields,
  dormant_ttl_ms: ms.optional(),
  delete_ttl_ms: ms.optional(),
  template_use_classic_parameter_flow: z.boolean().optional(),
})

const updateTemplateSchema = z.strictObject({
  name: templateName.optional(),
  ...policyFields,
  time_til_dormant_ms: ms.optional(),
  time_til_dormant_autodelete_ms: ms.optional(),
  update_workspace_last_used_at: z.boolean().optional(),
  update_workspace_dormant_at: z.boolean().optional(),
  deprecation_message: z.string().nullable().optional(),
})

type Policy = Partial<z.infer<typeof updateTemplateSchema>>

/** Copies set policy fields from a request onto a record; returns whether anything changed. */
function applyPolicy(
  template: TemplateRecord,
  body: Policy & { dormant_ttl_ms?: number; delete_ttl_ms?: number },
): boolean {
  const before = JSON.stringify(template)
  const set = <K extends keyof TemplateRecord>(key: K, value: TemplateRecord[K] | undefined | null) => {
    if (value !== undefined && value !== null) template[key] = value
  }
  set('name', body.name)
  set('displayName', body.display_name)
  set('description', body.description)
  set('icon', body.icon)
  set('defaultTtlMs', body.default_ttl_ms)
  set('activityBumpMs', body.activity_bump_ms)
  set('autostopRequirement', body.autostop_requirement)
  set('autostartRequirement', body.autostart_requirement)
  set('allowUserCancelWorkspaceJobs', body.allow_user_cancel_workspace_jobs)
  set('allowUserAutostart', body.allow_user_autostart)
  set('allowUserAutostop', body.allow_user_autostop)
  set('failureTtlMs', body.failure_ttl_ms)
  set('timeTilDormantMs', body.time_til_dormant_ms ?? body.dormant_ttl_ms)
  set('timeTilDormantAutodeleteMs', body.time_til_dormant_autodelete_ms ?? body.delete_ttl_ms)
  set('requireActiveVersion', body.require_active_version)
  set('maxPortShareLevel', body.max_port_share_level)
  set('useClassicParameterFlow', body.use_classic_parameter_flow)
  set('corsBehavior', body.cors_behavior)
  set('deprecationMessage', body.deprecation_message)
  return JSON.stringify(template) !== before
}

export function findTemplate(ctx: Ctx, id: string): TemplateRecord {
  const template = ctx.sim.state.templates.get(requireUuid(id, 'template'))
  if (!template) throw notFound()
  return template
}

function nameTaken(name: string): ApiError {
  return conflict(`Template with name "${name}" already exists.`, [
    { field: 'name', detail: 'This value is already in use and should be unique.' },
  ])
}

function searchTemplates(ctx: Ctx, q: string): TemplateRecord[] {
  const { filters, words } = parseSearch(q)
  let out = [...ctx.sim.state.templates.values()]
  for (const word of words) out = out.filter((t) => t.name.includes(word))
  for (const [key, value] of filters) {
    if (key === 'exact_name') out = out.filter((t) => t.name === value)
    else if (key === 'name') out = out.filter((t) => t.name.includes(value))
    else if (key === 'organization') {
      const org = ctx.sim.state.findOrganization(value)
      out = out.filter((t) => t.organizationId === org?.id)
    } else if (key === 'author') {
      const author = value === 'me' ? ctx.user : ctx.sim.state.findUser(value)
      out = out.filter((t) => t.createdBy === author?.id)
    } else if (key === 'deprecated')
      out = out.filter((t) => (t.deprecationMessage !== '') === (value === 'true'))
    else
      throw badRequest('Invalid template search query.', [
        { field: 'q', detail: `Query param "${key}" is not a valid query param` },
      ])
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

export function templateRoutes(): SimRoute[] {
  const json = (ctx: Ctx, t: TemplateRecord) => templateJson(ctx.sim.state, t)
  return [
    {
      method: 'POST',
      pattern: '/api/v2/organizations/:org/templates',
      handler: async (ctx) => {
        const org = resolveOrganization(ctx, ctx.params.org!)
        const body = await readJson(ctx.req, createTemplateSchema)
        if (!canManageTemplates(ctx.user)) throw forbidden()
        const state = ctx.sim.state
        if (state.templateByName(org.id, body.name)) throw nameTaken(body.name)
        const version = state.templateVersions.get(body.template_version_id)
        if (!version || version.organizationId !== org.id)
          throw new ApiError(404, `Template version "${body.template_version_id}" not found.`)
        if (version.templateId)
          throw badRequest(`Template version ${version.id} is already part of a template.`, [
            { field: 'template_version_id', detail: 'already used by another template' },
          ])
        const at = now()
        const template: TemplateRecord = {
          id: randomUUID(),
          organizationId: org.id,
          name: body.name,
          displayName: '',
          description: '',
          icon: '',
          provisioner: version.provisioner,
          activeVersionId: version.id,
          createdBy: ctx.user.id,
          createdAt: at,
          updatedAt: at,
          deprecationMessage: '',
          defaultTtlMs: 0,
          activityBumpMs: 3_600_000,
          failureTtlMs: 0,
          timeTilDormantMs: 0,
          timeTilDormantAutodeleteMs: 0,
          allowUserCancelWorkspaceJobs: true,
          allowUserAutostart: true,
          allowUserAutostop: true,
          requireActiveVersion: false,
          maxPortShareLevel: 'owner',
          useClassicParameterFlow: body.template_use_classic_parameter_flow ?? false,
          autostopRequirement: { days_of_week: [], weeks: 1 },
          autostartRequirement: {
            days_of_week: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
          },
          corsBehavior: 'simple',
        }
        applyPolicy(template, body)
        template.updatedAt = at
        version.templateId = template.id
        state.templates.set(template.id, template)
        sendJson(ctx.res, 201, json(ctx, template))
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/organizations/:org/templates',
      handler: (ctx) => {
        const org = resolveOrganization(ctx, ctx.params.org!)
        sendJson(
          ctx.res,
          200,
          searchTemplates(ctx, '')
            .filter((t) => t.organizationId === org.id)
            .map((t) => json(ctx, t)),
        )
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/organizations/:org/templates/:name',
      handler: (ctx) => {
        const org = resolveOrganization(ctx, ctx.params.org!)
        const template = ctx.sim.state.templateByName(org.id, ctx.params.name!)
        if (!template) throw notFound()
        sendJson(ctx.res, 200, json(ctx, template))
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/templates',
      handler: (ctx) =>
        sendJson(
          ctx.res,
          200,
          searchTemplates(ctx, ctx.url.searchParams.get('q') ?? '').map((t) => json(ctx, t)),
        ),
    },
    {
      method: 'GET',
      pattern: '/api/v2/templates/:id',
      handler: (ctx) => sendJson(ctx.res, 200, json(ctx, findTemplate(ctx, ctx.params.id!))),
    },
    {
      method: 'PATCH',
      pattern: '/api/v2/templates/:id',
      handler: async (ctx) => {
        const template = findTemplate(ctx, ctx.params.id!)
        const body = await readJson(ctx.req, updateTemplateSchema)
        if (!canManageTemplates(ctx.user)) throw forbidden()
        if (
          body.name &&
          body.name !== template.name &&
          ctx.sim.state.templateByName(template.organizationId, body.name)
        )
          throw nameTaken(body.name)
        if (!applyPolicy(template, body)) return sendEmpty(ctx.res, 304)
        template.updatedAt = now()
        for (const workspace of ctx.sim.state.workspaces.values())
          if (workspace.templateId === template.id && !workspace.deleted)
            ctx.sim.workspaceTopics.emit(workspace.id)
        sendJson(ctx.res, 200, json(ctx, template))
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/v2/templates/:id',
      handler: (ctx) => {
        const template = findTemplate(ctx, ctx.params.id!)
        if (!canManageTemplates(ctx.user)) throw forbidden()
        const state = ctx.sim.state
        if (state.liveWorkspacesOfTemplate(template.id) > 0)
          throw badRequest('All workspaces must be deleted before a template can be removed.')
        state.templates.delete(template.id)
        const recipients = [...state.users.values()].filter(
          (u) => u.id !== ctx.user.id && canManageTemplates(u),
        )
        ctx.sim.notifier.enqueue({
          templateId: TEMPLATE_DELETED,
          recipients,
          labels: { name: template.displayName || template.name, initiator: ctx.user.username },
          targets: [template.id, template.organizationId],
        })
        sendJson(ctx.res, 200, { message: 'Template has been deleted!' })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/templates/:id/versions',
      handler: (ctx) => {
        const template = findTemplate(ctx, ctx.params.id!)
        const versions = [...ctx.sim.state.templateVersions.values()].filter(
          (v) => v.templateId === template.id,
        )
        sendJson(
          ctx.res,
          200,
          versions.map((v) => templateVersionJson(ctx.sim.state, ctx.sim.provisioner, v)),
        )
      },
    },
    {
      method: 'PATCH',
      pattern: '/api/v2/templates/:id/versions',
      handler: async (ctx) => {
        const template = findTemplate(ctx, ctx.params.id!)
        const body = await readJson(ctx.req, z.strictObject({ id: z.uuid() }))
        if (!canManageTemplates(ctx.user)) throw forbidden()
        const version = findVersion(ctx, body.id)
        if (version.templateId !== template.id)
          throw badRequest("The provided template version doesn't belong to the specified template.", [
            { field: 'id', detail: 'version of another template' },
          ])
        const job = ctx.sim.state.jobs.get(version.jobId)!
        if (job.status !== 'succeeded')
          throw badRequest('The provided template version has not completed importing.', [
            { field: 'id', detail: `job status is ${job.status}` },
          ])
        template.activeVersionId = version.id
        template.updatedAt = now()
        sendJson(ctx.res, 200, { message: 'Updated the active template version!' })
      },
    },
  ]
}
