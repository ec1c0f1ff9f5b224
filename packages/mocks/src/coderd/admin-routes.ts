import type { Autobuild } from './autobuild.ts'
import { readJson } from './http/body.ts'
import { sendJson } from './http/respond.ts'
import { notificationFaultsSchema } from './notifications/faults.ts'
import type { SimRoute } from './sim.ts'
import type { Streams } from './streams.ts'

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
      handler: (ctx) => sendJson(ctx.res, 200, { started: autobuild.tick(Date.now()) }),
    },
  ]
}
