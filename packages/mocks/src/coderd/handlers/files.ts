import { createHash, randomUUID } from 'node:crypto'

import { canManageTemplates } from '../auth.ts'
import { badRequest, forbidden, notFound } from '../http/api-error.ts'
import { readBody } from '../http/body.ts'
import { BUILD_VERSION, sendJson } from '../http/respond.ts'
import type { SimRoute } from '../sim.ts'
import { now } from '../state.ts'
import { requireUuid } from './common.ts'

const FILE_LIMIT = 100 << 20
const CONTENT_TYPES = new Set(['application/x-tar', 'application/zip'])

export function fileRoutes(): SimRoute[] {
  return [
    {
      method: 'POST',
      pattern: '/api/v2/files',
      handler: async (ctx) => {
        const contentType = (ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim()
        if (!CONTENT_TYPES.has(contentType))
          throw badRequest(`Unsupported content type header "${contentType}".`, [
            { field: 'Content-Type', detail: 'must be application/x-tar or application/zip' },
          ])
        if (!canManageTemplates(ctx.user)) throw forbidden()
        const data = await readBody(ctx.req, FILE_LIMIT)
        // Zip uploads are stored as given; real Coder converts them to tar.
        const sha256 = createHash('sha256').update(data).digest('hex')
        for (const file of ctx.sim.state.files.values())
          if (file.sha256 === sha256 && file.createdBy === ctx.user.id) {
            sendJson(ctx.res, 200, { hash: file.id })
            return
          }
        const id = randomUUID()
        ctx.sim.state.files.set(id, {
          id,
          sha256,
          contentType,
          data,
          createdBy: ctx.user.id,
          createdAt: now(),
        })
        sendJson(ctx.res, 201, { hash: id })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/files/:id',
      handler: (ctx) => {
        const file = ctx.sim.state.files.get(requireUuid(ctx.params.id!, 'id'))
        if (!file) throw notFound()
        ctx.res.writeHead(200, {
          'content-type': file.contentType,
          'content-length': file.data.length,
          'x-coder-build-version': BUILD_VERSION,
        })
        ctx.res.end(file.data)
      },
    },
  ]
}
