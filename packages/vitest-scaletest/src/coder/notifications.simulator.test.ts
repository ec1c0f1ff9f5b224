import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CoderClient } from './client.ts'
import { CoderApiError } from './errors.ts'
import { NOTIFICATION_TEMPLATE_IDS, TEMPLATE_DELETED_NOTIFICATION_ID } from './notification-ids.ts'
import { createUserClient, type SimulatorSession, startSimulatorSession } from './simulator-setup.ts'

let session: SimulatorSession

beforeAll(async () => {
  session = await startSimulatorSession({ dispatchDelayMs: 10 })
})
afterAll(() => session?.close())

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  )

describe('notifications (simulator)', () => {
  it('lists the system notification templates, Template Deleted among them', async () => {
    const templates = await session.owner.notificationTemplates()
    const deleted = templates.find((t) => t.id === TEMPLATE_DELETED_NOTIFICATION_ID)
    expect(deleted?.name).toBe('Template Deleted')
    expect(deleted?.kind).toBe('system')
  })

  it('pushes a new notification over the inbox websocket, lists it, and marks it read', async () => {
    await using inbox = await session.owner.watchInbox({
      templates: [NOTIFICATION_TEMPLATE_IDS.userAccountCreated],
    })
    const { user } = await createUserClient(session, [], 'newcomer')
    const frame = await inbox.waitFor((f) => f.notification.targets?.includes(user.id) ?? false, {
      timeoutMs: 5_000,
    })
    expect(frame.notification.template_id).toBe(NOTIFICATION_TEMPLATE_IDS.userAccountCreated)
    expect(frame.notification.read_at).toBeNull()
    expect(frame.unread_count).toBeGreaterThanOrEqual(1)

    const listed = await session.owner.inboxNotifications({
      templates: [NOTIFICATION_TEMPLATE_IDS.userAccountCreated],
    })
    expect(listed.notifications.map((n) => n.id)).toContain(frame.notification.id)
    const read = await session.owner.markInboxNotificationRead(frame.notification.id)
    expect(read.notification.read_at).not.toBeNull()
    expect(read.unread_count).toBe(frame.unread_count - 1)
    const unread = await session.owner.inboxNotifications({ read_status: 'unread' })
    expect(unread.notifications.map((n) => n.id)).not.toContain(frame.notification.id)
    await session.owner.markAllInboxNotificationsRead()
    expect((await session.owner.inboxNotifications()).unread_count).toBe(0)
  })

  it('pages the inbox with starting_before', async () => {
    const before = (await session.owner.inboxNotifications()).notifications.length
    for (let i = 0; i < 2; i++) await createUserClient(session, [], 'pager')
    await expect
      .poll(async () => (await session.owner.inboxNotifications()).notifications.length)
      .toBeGreaterThanOrEqual(before + 2)
    const first = await session.owner.inboxNotifications()
    const newest = first.notifications[0]!
    const older = await session.owner.inboxNotifications({ starting_before: newest.id })
    expect(older.notifications.map((n) => n.id)).not.toContain(newest.id)
    expect(older.notifications[0]?.id).toBe(first.notifications[1]?.id)
  })

  it('rejects bad filters with 400 on list and dial, and an anonymous dial with 401', async () => {
    const list = (await errorOf(
      session.owner.inboxNotifications({ read_status: 'sometimes' as 'all' }),
    )) as CoderApiError
    expect(list.status).toBe(400)
    expect(list.validation('read_status')).toBeDefined()
    const dial = (await errorOf(session.owner.watchInbox({ templates: ['not-a-uuid'] }))) as CoderApiError
    expect(dial).toBeInstanceOf(CoderApiError)
    expect(dial.status).toBe(400)
    const anonymous = (await errorOf(new CoderClient({ url: session.url }).watchInbox())) as CoderApiError
    expect(anonymous.status).toBe(401)
  })
})
