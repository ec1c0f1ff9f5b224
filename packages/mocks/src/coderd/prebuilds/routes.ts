// Prebuilds settings (enterprise/coderd/prebuilds.go: GET/PUT /api/v2/prebuilds/settings, a
// premium feature the simulator always has) and a version's presets
// (coderd/presets.go: GET /api/v2/templateversions/{id}/presets).

import { z } from 'zod'

import { isOwner } from '../auth.ts'
import { findVersion } from '../handlers/template-versions.ts'
import { forbidden } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendEmpty, sendJson } from '../http/respond.ts'
import type { SimRoute } from '../sim.ts'
import { presetJson } from './presets.ts'
import type { Prebuilds } from './reconciler.ts'

const settingsSchema = z.strictObject({ reconciliation_paused: z.boolean() })

export function prebuildRoutes(prebuilds: Prebuilds): SimRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/api/v2/prebuilds/settings',
      handler: (ctx) => {
        if (!isOwner(ctx.user)) throw forbidden()
        sendJson(ctx.res, 200, { reconciliation_paused: prebuilds.paused })
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v2/prebuilds/settings',
      handler: async (ctx) => {
        const body = await readJson(ctx.req, settingsSchema)
        if (!isOwner(ctx.user)) throw forbidden()
        // Coder answers 304 when the setting does not change.
        if (body.reconciliation_paused === prebuilds.paused) return sendEmpty(ctx.res, 304)
        prebuilds.paused = body.reconciliation_paused
        sendJson(ctx.res, 200, { reconciliation_paused: prebuilds.paused })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/templateversions/:id/presets',
      handler: (ctx) => {
        const version = findVersion(ctx, ctx.params.id!)
        sendJson(ctx.res, 200, prebuilds.presets(version).map(presetJson))
      },
    },
  ]
}
