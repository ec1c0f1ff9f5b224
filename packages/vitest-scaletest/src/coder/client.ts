import * as ai from './aibridge-schemas.ts'
import { API, seg } from './client-core.ts'
import { CoderParametersClient } from './client-parameters.ts'
import type { InboxFilter } from './requests.ts'
import * as s from './schemas.ts'
import type { CoderStream } from './stream.ts'
import { type DialOptions, dialJsonWebSocket } from './websocket-stream.ts'

export type { CoderClientOptions, DeriveOptions } from './client-core.ts'
export type { JobWaitOptions } from './client-templates.ts'

export interface WatchInboxOptions extends InboxFilter, DialOptions {
  format?: 'markdown' | 'plaintext'
}

const csv = (ids?: string[]) => (ids?.length ? ids.join(',') : undefined)

/**
 * Typed client for the subset of Coder's API (codersdk) the suites use. Every response is validated (a drifted
 * shape throws CoderResponseShapeError naming endpoint and field); non-2xx answers throw CoderApiError.
 * The session token goes in `Coder-Session-Token` and nowhere else: not in errors, not in inspect().
 * Methods are grouped by area in client-core.ts, client-templates.ts, client-workspaces.ts and here.
 */
export class CoderClient extends CoderParametersClient {
  // AI Bridge (codersdk/aibridge.go)

  /** `GET /api/v2/aibridge/interceptions`: newest first; an owner sees everyone's, others their own. */
  aibridgeInterceptions(
    filter: ai.AIBridgeInterceptionsFilter = {},
    signal?: AbortSignal,
  ): Promise<ai.AIBridgeListInterceptionsResponse> {
    const terms: string[] = []
    const time = (v: Date | string) => (v instanceof Date ? v.toISOString() : v)
    if (filter.initiator) terms.push(`initiator:${JSON.stringify(filter.initiator)}`)
    if (filter.started_before) terms.push(`started_before:${JSON.stringify(time(filter.started_before))}`)
    if (filter.started_after) terms.push(`started_after:${JSON.stringify(time(filter.started_after))}`)
    if (filter.provider) terms.push(`provider:${JSON.stringify(filter.provider)}`)
    if (filter.model) terms.push(`model:${JSON.stringify(filter.model)}`)
    if (filter.client) terms.push(`client:${JSON.stringify(filter.client)}`)
    if (filter.q) terms.push(filter.q)
    const query = {
      q: terms.join(' '),
      limit: filter.limit,
      offset: filter.offset,
      after_id: filter.after_id,
    }
    return this.transport.json(ai.aibridgeListInterceptionsSchema, 'GET', `${API}/aibridge/interceptions`, {
      query,
      signal,
    })
  }

  // Notifications (§7)

  inboxNotifications(filter: InboxFilter & { starting_before?: string } = {}, signal?: AbortSignal) {
    const query = { ...inboxQuery(filter), starting_before: filter.starting_before }
    return this.transport.json(s.inboxListSchema, 'GET', `${API}/notifications/inbox`, { query, signal })
  }

  /** Opens the inbox websocket; resolves when connected (a refused dial rejects with Coder's error). */
  watchInbox(options: WatchInboxOptions = {}): Promise<CoderStream<s.InboxWatchFrame>> {
    const query = { ...inboxQuery(options), format: options.format }
    const path = `${API}/notifications/inbox/watch`
    return dialJsonWebSocket(
      this.transport,
      path,
      query,
      s.inboxWatchFrameSchema,
      (frame) => [frame],
      options,
    )
  }

  markInboxNotificationRead(id: string, isRead = true, signal?: AbortSignal): Promise<s.InboxWatchFrame> {
    const path = `${API}/notifications/inbox/${seg(id)}/read-status`
    return this.transport.json(s.inboxReadStatusResponseSchema, 'PUT', path, {
      json: { is_read: isRead },
      signal,
    })
  }

  async markAllInboxNotificationsRead(signal?: AbortSignal): Promise<void> {
    await this.transport.send('PUT', `${API}/notifications/inbox/mark-all-as-read`, {
      ok: [200, 204],
      signal,
    })
  }

  notificationTemplates(signal?: AbortSignal): Promise<s.NotificationTemplate[]> {
    const path = `${API}/notifications/templates/system`
    return this.transport.json(s.notificationTemplatesSchema, 'GET', path, { signal })
  }
}

function inboxQuery(filter: InboxFilter) {
  return { targets: csv(filter.targets), templates: csv(filter.templates), read_status: filter.read_status }
}
