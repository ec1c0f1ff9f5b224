import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'

import { USER_ACCOUNT_CREATED, USER_ACCOUNT_DELETED, WORKSPACE_DELETED } from './notifications/catalogue.ts'
import {
  createTemplate,
  createUser,
  type Fixture,
  type Json,
  startFixture,
  waitFor,
} from './test/sim-client.ts'

// Notifications other than Template Deleted, the notifier pause switch, and the admin endpoints.
describe('account and workspace events', () => {
  let f: Fixture
  let frames: Json[]
  let socket: WebSocket
  beforeAll(async () => {
    f = await startFixture({ notifyUserEvents: true })
    frames = []
    socket = new WebSocket(`${f.sim.url.replace('http', 'ws')}/api/v2/notifications/inbox/watch`, {
      headers: { 'Coder-Session-Token': f.owner.token! },
    })
    socket.on('message', (data) => frames.push(JSON.parse(String(data))))
    await new Promise((resolve) => socket.once('open', resolve))
  })
  afterAll(async () => {
    socket.close()
    await f.sim.close()
  })

  it('tells owners about created and deleted accounts', async () => {
    const user = await createUser(f, [], 'events-user')
    const created = await waitFor(() =>
      frames.find((fr) => fr.notification.template_id === USER_ACCOUNT_CREATED),
    )
    expect(created.notification).toMatchObject({
      title: 'User account "events-user" created',
      targets: [user.id],
      icon: 'DEFAULT_ACCOUNT_ICON',
    })
    await f.owner.ok('DELETE', `/api/v2/users/${user.id}`)
    const deleted = await waitFor(() =>
      frames.find((fr) => fr.notification.template_id === USER_ACCOUNT_DELETED),
    )
    expect(deleted.notification.title).toBe('User account "events-user" deleted')
  })

  it('tells a workspace owner when someone else deleted their workspace', async () => {
    const template = await createTemplate(f.owner, f.orgId, 'events')
    const member = await createUser(f)
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'doomed',
    })
    await waitFor(
      async () =>
        (await member.client.ok('GET', `/api/v2/workspaces/${ws.id}`)).latest_build.status === 'running' ||
        undefined,
    )
    await f.owner.ok('POST', `/api/v2/workspaces/${ws.id}/builds`, { transition: 'delete' })
    const inbox = await waitFor(async () => {
      const list = (
        await member.client.ok('GET', `/api/v2/notifications/inbox?templates=${WORKSPACE_DELETED}`)
      ).notifications
      return list.length > 0 ? list : undefined
    })
    expect(inbox[0]).toMatchObject({
      title: 'Workspace "doomed" deleted',
      targets: expect.arrayContaining([ws.id]),
    })
  })

  it('holds deliveries while the notifier is paused (304 when unchanged)', async () => {
    expect(
      (await f.owner.call('PUT', '/api/v2/notifications/settings', { notifier_paused: true })).status,
    ).toBe(200)
    expect(
      (await f.owner.call('PUT', '/api/v2/notifications/settings', { notifier_paused: true })).status,
    ).toBe(304)
    const before = frames.length
    await f.owner.ok('POST', '/api/v2/notifications/test')
    await new Promise((r) => setTimeout(r, 150))
    expect(frames.length).toBe(before)
    await f.owner.ok('PUT', '/api/v2/notifications/settings', { notifier_paused: false })
    await waitFor(() => frames.length > before || undefined)
    const member = await createUser(f)
    expect(
      (await member.client.call('PUT', '/api/v2/notifications/settings', { notifier_paused: true })).status,
    ).toBe(403)
  })

  it('reports counters on /__admin/stats and runs the autobuild executor on demand', async () => {
    const stats = await f.owner.ok('GET', '/__admin/stats')
    expect(stats).toMatchObject({
      users: expect.any(Number),
      inbox_watchers: 1,
      websockets: 1,
      notifications: { inboxDelivered: expect.any(Number) },
    })
    expect(stats.provisioners).toHaveLength(3)
    expect(await f.owner.ok('POST', '/__admin/autobuild/tick')).toMatchObject({ started: 0 })
  })

  it('sets organization member roles', async () => {
    const member = await createUser(f)
    const updated = await f.owner.ok('PUT', `/api/v2/organizations/${f.orgId}/members/${member.id}/roles`, {
      roles: ['organization-template-admin'],
    })
    expect(updated).toMatchObject({
      user_id: member.id,
      roles: [{ name: 'organization-template-admin', organization_id: f.orgId }],
    })
    expect(
      (
        await f.owner.call('PUT', `/api/v2/organizations/${f.orgId}/members/${member.id}/roles`, {
          roles: ['owner'],
        })
      ).status,
    ).toBe(400)
    const members = await f.owner.ok('GET', `/api/v2/organizations/${f.orgId}/members`)
    expect(members.map((m: { user_id: string }) => m.user_id)).toContain(member.id)
  })
})
