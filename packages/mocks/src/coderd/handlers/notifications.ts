import { z } from 'zod'

import { isOwner } from '../auth.ts'
import { badRequest, forbidden, notFound, type Validation } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendEmpty, sendJson } from '../http/respond.ts'
import { CATALOGUE, CATALOGUE_BY_ID, catalogueJson, TEST_NOTIFICATION } from '../notifications/catalogue.ts'
import { formatNotification, type InboxFilter, matchesFilter } from '../notifications/inbox-hub.ts'
import { unreadCount } from '../notifications/notifier.ts'
import type { UserRecord } from '../records.ts'
import type { SimRoute } from '../sim.ts'
import { isUuid, now } from '../state.ts'
import { resolveUser } from './common.ts'

const AUTH_PARAMS = ['coder_session_token', 'access_token']
const INBOX_PAGE = 25

/** Parses the inbox filters; unknown parameters and malformed values are 400s, as in Coder. */
export function readInboxFilter(url: URL, extra: string[] = []): InboxFilter {
  const validations: Validation[] = []
  const allowed = new Set(['targets', 'templates', 'read_status', 'format', ...AUTH_PARAMS, ...extra])
  for (const key of url.searchParams.keys())
    if (!allowed.has(key))
      validations.push({ field: key, detail: `Query param "${key}" is not a valid query param` })
  const uuids = (name: string) => {
    const raw = url.searchParams.get(name)
    const list = raw
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : []
    for (const id of list)
      if (!isUuid(id))
        validations.push({ field: name, detail: `Query param "${name}" must be a valid uuid list` })
    return list.map((id) => id.toLowerCase())
  }
  const targets = uuids('targets')
  const templates = uuids('templates')
  const readStatus = url.searchParams.get('read_status') ?? 'all'
  if (!['all', 'read', 'unread'].includes(readStatus))
    validations.push({ field: 'read_status', detail: 'must be one of all, read, unread' })
  const format = url.searchParams.get('format') ?? 'markdown'
  if (!['markdown', 'plaintext'].includes(format))
    validations.push({ field: 'format', detail: 'must be markdown or plaintext' })
  if (validations.length > 0) throw badRequest('Query parameters have invalid values.', validations)
  return {
    targets,
    templates,
    readStatus: readStatus as InboxFilter['readStatus'],
    format: format as InboxFilter['format'],
  }
}

export function notificationRoutes(): SimRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/api/v2/notifications/inbox',
      handler: (ctx) => {
        const filter = readInboxFilter(ctx.url, ['starting_before'])
        const before = ctx.url.searchParams.get('starting_before')
        if (before && !isUuid(before))
          throw badRequest('Query parameters have invalid values.', [
            { field: 'starting_before', detail: 'must be a valid uuid' },
          ])
        const list = ctx.sim.state.inbox.get(ctx.user.id) ?? []
        let end = list.length
        if (before) {
          const index = list.findIndex((n) => n.id === before.toLowerCase())
          if (index >= 0) end = index
        }
        const page = []
        for (let i = end - 1; i >= 0 && page.length < INBOX_PAGE; i--) {
          const n = list[i]!
          if (matchesFilter(n, filter)) page.push(formatNotification(n, filter.format))
        }
        sendJson(ctx.res, 200, { notifications: page, unread_count: unreadCount(list) })
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v2/notifications/inbox/mark-all-as-read',
      handler: (ctx) => {
        const at = now()
        for (const n of ctx.sim.state.inbox.get(ctx.user.id) ?? []) n.read_at ??= at
        sendEmpty(ctx.res, 204)
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v2/notifications/inbox/:id/read-status',
      handler: async (ctx) => {
        const body = await readJson(ctx.req, z.strictObject({ is_read: z.boolean() }))
        const list = ctx.sim.state.inbox.get(ctx.user.id) ?? []
        const notification = list.find((n) => n.id === ctx.params.id!.toLowerCase())
        if (!notification) throw notFound()
        notification.read_at = body.is_read ? (notification.read_at ?? now()) : null
        sendJson(ctx.res, 200, { notification, unread_count: unreadCount(list) })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/notifications/templates/system',
      handler: (ctx) => sendJson(ctx.res, 200, CATALOGUE.map(catalogueJson)),
    },
    {
      method: 'GET',
      pattern: '/api/v2/notifications/dispatch-methods',
      // coderd/notifications.go notificationDispatchMethods skips inbox (an implicit target, never offered).
      handler: (ctx) => sendJson(ctx.res, 200, { available: ['smtp', 'webhook'], default: 'smtp' }),
    },
    {
      method: 'GET',
      pattern: '/api/v2/notifications/settings',
      handler: (ctx) => sendJson(ctx.res, 200, { notifier_paused: ctx.sim.state.notifierPaused }),
    },
    {
      method: 'PUT',
      pattern: '/api/v2/notifications/settings',
      handler: async (ctx) => {
        const body = await readJson(ctx.req, z.strictObject({ notifier_paused: z.boolean() }))
        if (!isOwner(ctx.user)) throw forbidden()
        if (body.notifier_paused === ctx.sim.state.notifierPaused) return sendEmpty(ctx.res, 304)
        ctx.sim.state.notifierPaused = body.notifier_paused
        sendJson(ctx.res, 200, { notifier_paused: body.notifier_paused })
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/notifications/test',
      handler: (ctx) => {
        if (!isOwner(ctx.user)) throw forbidden()
        ctx.sim.notifier.enqueue({
          templateId: TEST_NOTIFICATION,
          recipients: [ctx.user],
          labels: {},
          targets: [],
        })
        sendJson(ctx.res, 200, { message: 'Test notification sent.' })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/users/:user/notifications/preferences',
      handler: (ctx) => {
        const user = resolveUser(ctx, ctx.params.user!)
        if (user.id !== ctx.user.id && !isOwner(ctx.user)) throw forbidden()
        sendJson(ctx.res, 200, preferences(user))
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v2/users/:user/notifications/preferences',
      handler: async (ctx) => {
        const user = resolveUser(ctx, ctx.params.user!)
        const body = await readJson(
          ctx.req,
          z.strictObject({ template_disabled_map: z.record(z.string(), z.boolean()) }),
        )
        if (user.id !== ctx.user.id && !isOwner(ctx.user)) throw forbidden()
        const unknown = Object.keys(body.template_disabled_map).filter((id) => !CATALOGUE_BY_ID.has(id))
        if (unknown.length > 0)
          throw badRequest(
            'Invalid notification template.',
            unknown.map((id) => ({
              field: 'template_disabled_map',
              detail: `unknown notification template ${id}`,
            })),
          )
        const at = now()
        for (const [id, disabled] of Object.entries(body.template_disabled_map)) {
          if (disabled) user.disabledTemplates.set(id, at)
          else user.disabledTemplates.delete(id)
        }
        sendJson(ctx.res, 200, preferences(user))
      },
    },
  ]
}

/** A user's notification preferences as Coder lists them: one entry per disabled template. */
function preferences(user: UserRecord) {
  return [...user.disabledTemplates].map(([id, updatedAt]) => ({ id, disabled: true, updated_at: updatedAt }))
}
