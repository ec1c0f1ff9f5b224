import { z } from 'zod'

import type { Autobuild } from './autobuild.ts'
import { badRequest } from './http/api-error.ts'
import { readBody, readJson } from './http/body.ts'
import { sendJson } from './http/respond.ts'
import { notificationFaultsSchema } from './notifications/faults.ts'
import type { Ctx, SimRoute } from './sim.ts'
import type { Streams } from './streams.ts'

const tickSchema = z.strictObject({ at: z.iso.datetime({ offset: true }).optional() })

/** Test-control endpoints outside Coder's API: health, counters, fault injection, autobuild tick. */
export function adminRoutes(streams: Streams, autobuild: Autobuild): SimRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/healthz',
      public: true,
      handler: (ctx) => sendJson(ctx.res, 200, { status: 'ok' }),
    },
    {
      method: 'GET',
      pattern: '/__admin/stats',
      public: true,
      handler: (ctx) => {
        const { state } = ctx.sim
        sendJson(ctx.res, 200, {
          users: state.users.size,
          templates: state.templates.size,
          workspaces: [...state.workspaces.values()].filter((w) => !w.deleted).length,
          jobs: state.jobs.size,
          inbox_watchers: ctx.sim.hub.size,
          websockets: streams.openSockets,
          notifications: ctx.sim.notifier.stats,
          provisioners: ctx.sim.provisioner.daemons(),
        })
      },
    },
    {
      method: 'GET',
      pattern: '/__admin/faults',
      public: true,
      handler: (ctx) => sendJson(ctx.res, 200, ctx.sim.faults.get()),
    },
    {
      method: 'POST',
      pattern: '/__admin/faults',
      public: true,
      handler: async (ctx) => {
        ctx.sim.faults.set(await readJson(ctx.req, notificationFaultsSchema))
        sendJson(ctx.res, 200, ctx.sim.faults.get())
      },
    },
    {
      method: 'DELETE',
      pattern: '/__admin/faults',
      public: true,
      handler: (ctx) => {
        ctx.sim.faults.set({})
        sendJson(ctx.res, 200, {})
      },
    },
    {
      method: 'POST',
      pattern: '/__admin/autobuild/tick',
      public: true,
      handler: async (ctx) => {
        const at = await readTickInstant(ctx)
        sendJson(ctx.res, 200, { at: new Date(at).toISOString(), started: autobuild.tick(at) })
      },
    },
  ]
}

/** The instant of an autobuild pass: `?at=`, else the body's `at` (RFC 3339), else now. */
async function readTickInstant(ctx: Ctx): Promise<number> {
  const fromQuery = ctx.url.searchParams.get('at')
  const raw = await readBody(ctx.req)
  let text = fromQuery ?? undefined
  if (text === undefined && raw.length > 0) {
    let body: unknown
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch (error) {
      throw badRequest('Request body must be valid JSON.', [
        { field: '(body)', detail: (error as Error).message },
      ])
    }
    const parsed = tickSchema.safeParse(body)
    if (!parsed.success)
      throw badRequest('Validation failed.', [
        { field: 'at', detail: 'expected an RFC 3339 time such as 2026-01-02T15:04:05Z' },
      ])
    text = parsed.data.at
  }
  if (text === undefined) return Date.now()
  const at = Date.parse(text)
  if (!tickSchema.safeParse({ at: text }).success || Number.isNaN(at))
    throw badRequest('Invalid tick instant.', [
      { field: 'at', detail: `"${text}" is not an RFC 3339 time such as 2026-01-02T15:04:05Z` },
    ])
  return at
}
