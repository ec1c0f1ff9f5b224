import { randomUUID } from 'node:crypto'

import { z } from 'zod'

import { canManageTemplates } from '../auth.ts'
import { jobJson, templateVersionJson } from '../convert.ts'
import { ApiError, badRequest, forbidden, notFound } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendJson } from '../http/respond.ts'
import { mutateTags } from '../provisioner.ts'
import type { JobRecord, TemplateVersionRecord } from '../records.ts'
import type { Ctx, SimRoute } from '../sim.ts'
import { now } from '../state.ts'
import { requireUuid } from './common.ts'
import { resolveOrganization } from './organizations.ts'

const createVersionSchema = z.strictObject({
  storage_method: z.literal('file'),
  provisioner: z.enum(['terraform', 'echo']),
  file_id: z.uuid().optional(),
  example_id: z.string().optional(),
  template_id: z.uuid().optional(),
  name: z.string().max(64).optional(),
  message: z.string().max(1048576).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  user_variable_values: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
})

const ADJECTIVES = ['brave', 'calm', 'eager', 'happy', 'jolly', 'keen', 'lucid', 'merry', 'quiet', 'swift']
const NOUNS = [
  'turing',
  'hopper',
  'lovelace',
  'knuth',
  'ritchie',
  'thompson',
  'liskov',
  'dijkstra',
  'hamilton',
  'perlman',
]

function versionName(): string {
  const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)]
  return `${pick(ADJECTIVES)}_${pick(NOUNS)}${Math.floor(Math.random() * 10)}`
}

export function newJob(
  fields: Pick<JobRecord, 'type' | 'provisioner' | 'fileId' | 'tags' | 'organizationId'> & Partial<JobRecord>,
): JobRecord {
  const at = now()
  return {
    id: randomUUID(),
    status: 'pending',
    createdAt: at,
    updatedAt: at,
    startedAt: undefined,
    completedAt: undefined,
    canceledAt: undefined,
    error: undefined,
    workerId: undefined,
    workerName: undefined,
    templateVersionId: undefined,
    workspaceBuildId: undefined,
    logs: [],
    ...fields,
  }
}

export function findVersion(ctx: Ctx, id: string): TemplateVersionRecord {
  const version = ctx.sim.state.templateVersions.get(requireUuid(id, 'templateversion'))
  if (!version) throw notFound()
  return version
}

export function isActive(job: JobRecord): boolean {
  return job.status === 'pending' || job.status === 'running' || job.status === 'canceling'
}

/** Provisioner logs as JSON, `after`/`before` exclusive id bounds; `follow` upgrades (see ws-routes.ts). */
export function sendLogs(ctx: Ctx, job: JobRecord): void {
  const after = Number(ctx.url.searchParams.get('after') ?? 0)
  const before = Number(ctx.url.searchParams.get('before') ?? 0)
  if (!Number.isFinite(after) || !Number.isFinite(before))
    throw badRequest('Query parameters have invalid values.', [
      { field: 'after', detail: 'must be an integer log id' },
    ])
  sendJson(
    ctx.res,
    200,
    job.logs.filter((l) => l.id > after && (before <= 0 || l.id < before)),
  )
}

export function templateVersionRoutes(): SimRoute[] {
  return [
    {
      method: 'POST',
      pattern: '/api/v2/organizations/:org/templateversions',
      handler: async (ctx) => {
        const org = resolveOrganization(ctx, ctx.params.org!)
        const body = await readJson(ctx.req, createVersionSchema)
        if (!canManageTemplates(ctx.user)) throw forbidden()
        const state = ctx.sim.state
        if (!body.file_id && !body.example_id)
          throw badRequest('Validation failed.', [
            { field: 'file_id', detail: 'file_id or example_id is required' },
          ])
        if (body.example_id && !body.file_id)
          throw new ApiError(404, `Example not found by id "${body.example_id}".`)
        if (!state.files.has(body.file_id!))
          throw new ApiError(404, `File not found by id "${body.file_id}".`)
        if (body.template_id) {
          const template = state.templates.get(body.template_id)
          if (!template || template.organizationId !== org.id)
            throw new ApiError(404, `Template with id "${body.template_id}" not found.`)
        }
        const at = now()
        const version: TemplateVersionRecord = {
          id: randomUUID(),
          templateId: body.template_id,
          organizationId: org.id,
          name: body.name || versionName(),
          message: body.message ?? '',
          jobId: '',
          fileId: body.file_id!,
          provisioner: body.provisioner,
          createdBy: ctx.user.id,
          createdAt: at,
          updatedAt: at,
          archived: false,
        }
        const job = newJob({
          type: 'template_version_import',
          provisioner: body.provisioner,
          fileId: version.fileId,
          tags: mutateTags(ctx.user.id, body.tags ?? {}),
          organizationId: org.id,
          templateVersionId: version.id,
        })
        version.jobId = job.id
        state.templateVersions.set(version.id, version)
        state.jobs.set(job.id, job)
        ctx.sim.enqueueJob(job)
        sendJson(ctx.res, 201, templateVersionJson(state, ctx.sim.provisioner, version))
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/templateversions/:id',
      handler: (ctx) =>
        sendJson(
          ctx.res,
          200,
          templateVersionJson(ctx.sim.state, ctx.sim.provisioner, findVersion(ctx, ctx.params.id!)),
        ),
    },
    {
      method: 'PATCH',
      pattern: '/api/v2/templateversions/:id/cancel',
      handler: (ctx) => {
        const version = findVersion(ctx, ctx.params.id!)
        if (!canManageTemplates(ctx.user)) throw forbidden()
        const job = ctx.sim.state.jobs.get(version.jobId)!
        if (job.status === 'canceling' || job.status === 'canceled')
          throw badRequest('Job has already been marked as canceled!')
        if (!isActive(job)) throw badRequest('Job has already completed!')
        ctx.sim.provisioner.cancel(job)
        sendJson(ctx.res, 200, { message: 'Job has been marked as canceled...' })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/templateversions/:id/logs',
      handler: (ctx) => sendLogs(ctx, ctx.sim.state.jobs.get(findVersion(ctx, ctx.params.id!).jobId)!),
    },
    ...['rich-parameters', 'resources', 'external-auth', 'variables'].map(
      (tail): SimRoute => ({
        method: 'GET',
        pattern: `/api/v2/templateversions/:id/${tail}`,
        handler: (ctx) => {
          findVersion(ctx, ctx.params.id!)
          sendJson(ctx.res, 200, [])
        },
      }),
    ),
    {
      method: 'GET',
      pattern: '/api/v2/organizations/:org/provisionerjobs/:id',
      handler: (ctx) => {
        const org = resolveOrganization(ctx, ctx.params.org!)
        const job = ctx.sim.state.jobs.get(requireUuid(ctx.params.id!, 'job'))
        if (!job || job.organizationId !== org.id) throw notFound()
        sendJson(ctx.res, 200, jobJson(ctx.sim.state, ctx.sim.provisioner, job))
      },
    },
  ]
}
