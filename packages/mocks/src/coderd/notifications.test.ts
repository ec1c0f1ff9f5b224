import { simpleParser } from 'mailparser'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'

import { type StartedSmtpMock, startSmtpMock } from '../smtp/smtp-mock.ts'
import { TEMPLATE_DELETED, TEST_NOTIFICATION } from './notifications/catalogue.ts'
import { startRawSmtpSink } from './test/raw-smtp-sink.ts'
import {
  createTemplate,
  createUser,
  type Fixture,
  type SimClient,
  startFixture,
  waitFor,
} from './test/sim-client.ts'

interface Frame {
  notification: {
    id: string
    user_id: string
    template_id: string
    targets: string[]
    title: string
    content: string
    icon: string
    actions: { label: string; url: string }[]
    read_at: string | null
    created_at: string
  }
  unread_count: number
}

/** Dials the inbox watch as a client; resolves once the socket is open. */
async function watchInbox(
  sim: { url: string },
  client: SimClient,
  query = '',
): Promise<{ frames: Frame[]; socket: WebSocket }> {
  const frames: Frame[] = []
  const socket = new WebSocket(`${sim.url.replace('http', 'ws')}/api/v2/notifications/inbox/watch${query}`, {
    headers: { 'Coder-Session-Token': client.token! },
  })
  socket.on('message', (data) => frames.push(JSON.parse(String(data))))
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`inbox watch answered ${res.statusCode}`)),
    )
  })
  return { frames, socket }
}

async function smtpMessages(
  smtp: StartedSmtpMock,
  email: string,
): Promise<{ subject: string; date: string; notification_template_id: string }[]> {
  const body = (await (await fetch(`${smtp.apiUrl}/messages?email=${encodeURIComponent(email)}`)).json()) as
    | { subject: string; date: string; notification_template_id: string }[]
    | null
  return body ?? []
}

describe('template deletion notifies owners and template admins except the deleter', () => {
  let smtp: StartedSmtpMock
  let f: Fixture
  const sockets: WebSocket[] = []
  beforeAll(async () => {
    smtp = await startSmtpMock()
    f = await startFixture({ emailSmarthost: `127.0.0.1:${smtp.smtpPort}`, dispatchDelayMs: 20 })
  })
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close()
  })
  afterAll(async () => {
    await f.sim.close()
    await smtp.close()
  })

  it('delivers on the inbox websocket and over SMTP with the Template Deleted id', async () => {
    const admins = [
      await createUser(f, ['template-admin']),
      await createUser(f, ['template-admin']),
      await createUser(f, ['template-admin']),
    ]
    const member = await createUser(f)
    const [deleter, ...receivers] = admins
    const ownerWatch = await watchInbox(f.sim, f.owner)
    const watches = await Promise.all(admins.map((a) => watchInbox(f.sim, a.client)))
    const memberWatch = await watchInbox(f.sim, member.client)
    sockets.push(ownerWatch.socket, memberWatch.socket, ...watches.map((w) => w.socket))

    const template = await createTemplate(f.owner, f.orgId, 'scaletest-test-template')
    expect((await deleter!.client.call('DELETE', `/api/v2/templates/${template.id}`)).status).toBe(200)

    for (const watch of [ownerWatch, watches[1]!, watches[2]!]) {
      const frame = await waitFor(() =>
        watch.frames.find((fr) => fr.notification.template_id === TEMPLATE_DELETED),
      )
      expect(frame.notification).toMatchObject({
        targets: [template.id, f.orgId],
        title: 'Template "scaletest-test-template" deleted',
        content: `The template **scaletest-test-template** was deleted by **${deleter!.username}**.`,
        icon: 'DEFAULT_TEMPLATE_ICON',
        actions: [{ label: 'View templates', url: `${f.sim.url}/templates` }],
        read_at: null,
      })
      expect(frame.unread_count).toBeGreaterThanOrEqual(1)
    }
    for (const receiver of receivers) {
      const mails = await waitFor(async () => {
        const list = await smtpMessages(smtp, receiver.email)
        return list.length > 0 ? list : undefined
      })
      expect(mails).toEqual([
        expect.objectContaining({
          subject: 'Template "scaletest-test-template" deleted',
          notification_template_id: TEMPLATE_DELETED,
        }),
      ])
    }
    await waitFor(async () => (await smtpMessages(smtp, 'owner@example.com')).length === 1 || undefined)
    // Everyone else has had theirs; the deleter and the plain member got nothing on either path.
    await new Promise((r) => setTimeout(r, 100))
    expect(watches[0]!.frames).toEqual([])
    expect(memberWatch.frames).toEqual([])
    expect(await smtpMessages(smtp, deleter!.email)).toEqual([])
    expect(await smtpMessages(smtp, member.email)).toEqual([])
    expect((await deleter!.client.ok('GET', '/api/v2/notifications/inbox')).notifications).toEqual([])
    // The mock stores a message before its 250 reaches the simulator, so the counter may trail a moment.
    await waitFor(() => f.sim.notificationStats().emailSent === 3 || undefined)
    expect(f.sim.notificationStats()).toMatchObject({ emailPending: 0, inboxDelivered: 3 })
  })

  it('drops one user’s notifications and delays another’s when told to over POST /__admin/faults', async () => {
    const [a, b, c] = [
      await createUser(f, ['template-admin']),
      await createUser(f, ['template-admin']),
      await createUser(f, ['template-admin']),
    ]
    const set = await f.owner.call('POST', '/__admin/faults', {
      dropUsers: [a!.username],
      delayUsers: { [b!.email]: 300 },
    })
    expect(set.status).toBe(200)
    const bad = await f.owner.call('POST', '/__admin/faults', { dropUsers: 'everyone' })
    expect(bad).toMatchObject({ status: 400, body: { validations: [{ field: 'dropUsers' }] } })
    const [wa, wb] = await Promise.all([watchInbox(f.sim, a!.client), watchInbox(f.sim, b!.client)])
    sockets.push(wa.socket, wb.socket)
    const template = await createTemplate(f.owner, f.orgId, 'faulty')
    const deletedAt = Date.now()
    await c!.client.ok('DELETE', `/api/v2/templates/${template.id}`)
    await waitFor(() => wb.frames[0], 3_000)
    expect(Date.now() - deletedAt).toBeGreaterThanOrEqual(300)
    expect(wa.frames).toEqual([])
    expect(await smtpMessages(smtp, a!.email)).toEqual([])
    await waitFor(async () => (await smtpMessages(smtp, b!.email)).length === 1 || undefined)
    expect(f.sim.notificationStats()).toMatchObject({ inboxDropped: 1, emailDropped: 1 })
    expect((await f.owner.call('DELETE', '/__admin/faults')).status).toBe(200)
    expect(await f.owner.ok('GET', '/__admin/faults')).toEqual({})
  })
})

describe('email format and SMTP retry', () => {
  it('writes Coder’s email: header order, bare Message-Id, multipart/alternative, quoted-printable, unsubscribe link', async () => {
    const sink = await startRawSmtpSink()
    const f = await startFixture({
      emailSmarthost: sink.address,
      emailFrom: 'coder@example.org',
      emailHello: 'sim.example',
    })
    try {
      await f.owner.ok('POST', '/api/v2/notifications/test')
      const mail = await waitFor(() => sink.messages[0])
      expect(mail).toMatchObject({
        from: 'coder@example.org',
        to: ['owner@example.com'],
        hello: 'sim.example',
      })
      const [head, ...rest] = mail.raw.split('\r\n\r\n')
      const names = head!.split('\r\n').map((l) => l.split(':')[0])
      expect(names).toEqual(['From', 'To', 'Subject', 'Message-Id', 'Date', 'Content-Type', 'MIME-Version'])
      expect(head).toMatch(/^Message-Id: [0-9a-f-]{36}@\S+$/m)
      expect(head).toMatch(/^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/m)
      expect(head).toMatch(/^Content-Type: multipart\/alternative; {2}boundary=[0-9a-f]{60}$/m)
      const body = rest.join('\r\n\r\n')
      expect(body).toContain(
        'Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=UTF-8',
      )
      // Soft line breaks may split the link; it is intact once they are removed.
      expect(body.replace(/=\r\n/g, '')).toContain(`notifications?disabled=3D${TEST_NOTIFICATION}`)
      for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76)
      const parsed = await simpleParser(mail.raw)
      expect(parsed.subject).toBe('A test notification')
      expect(parsed.text).toContain('Hi owner,')
      expect(parsed.html).toContain(`${f.sim.url}/settings/notifications?disabled=${TEST_NOTIFICATION}`)
      expect(parsed.html).toContain('Stop receiving emails like this')
    } finally {
      await f.sim.close()
      await sink.close()
    }
  })

  it('retries when the SMTP server refuses, and counts the failures', async () => {
    const sink = await startRawSmtpSink({ refuseFirst: 2 })
    const f = await startFixture({
      emailSmarthost: sink.address,
      retryIntervalMs: 50,
      faults: { failSmtpAttempts: 1 },
    })
    try {
      await f.owner.ok('POST', '/api/v2/notifications/test')
      await waitFor(() => sink.messages[0])
      await waitFor(() => f.sim.notificationStats().emailSent === 1 || undefined)
      expect(f.sim.notificationStats()).toMatchObject({
        emailTemporaryFailures: 3,
        emailAttempts: 4,
        emailPending: 0,
      })
    } finally {
      await f.sim.close()
      await sink.close()
    }
  })

  it('gives up after the last attempt', async () => {
    const sink = await startRawSmtpSink({ refuseFirst: 10 })
    const f = await startFixture({ emailSmarthost: sink.address, retryIntervalMs: 10, maxSendAttempts: 2 })
    try {
      await f.owner.ok('POST', '/api/v2/notifications/test')
      await waitFor(() => f.sim.notificationStats().emailPermanentFailures === 1 || undefined)
      expect(f.sim.notificationStats()).toMatchObject({ emailAttempts: 2, emailSent: 0, emailPending: 0 })
      expect(sink.messages).toEqual([])
    } finally {
      await f.sim.close()
      await sink.close()
    }
  })
})

describe('inbox API', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture()
  })
  afterAll(() => f.sim.close())

  it('lists newest first with filters, marks read, and counts unread', async () => {
    for (let i = 0; i < 3; i++) await f.owner.ok('POST', '/api/v2/notifications/test')
    const list = await waitFor(async () => {
      const l = await f.owner.ok('GET', '/api/v2/notifications/inbox')
      return l.notifications.length === 3 ? l : undefined
    })
    expect(list.unread_count).toBe(3)
    const times = list.notifications.map((n: { created_at: string }) => n.created_at)
    expect(times).toEqual([...times].sort().reverse())
    const first = list.notifications[0]
    const read = await f.owner.ok('PUT', `/api/v2/notifications/inbox/${first.id}/read-status`, {
      is_read: true,
    })
    expect(read).toMatchObject({
      notification: { id: first.id, read_at: expect.any(String) },
      unread_count: 2,
    })
    expect(
      (await f.owner.ok('GET', '/api/v2/notifications/inbox?read_status=read')).notifications,
    ).toHaveLength(1)
    const older = await f.owner.ok('GET', `/api/v2/notifications/inbox?starting_before=${first.id}`)
    expect(older.notifications).toHaveLength(2)
    expect(
      (await f.owner.ok('GET', `/api/v2/notifications/inbox?templates=${TEMPLATE_DELETED}`)).notifications,
    ).toEqual([])
    expect((await f.owner.call('PUT', '/api/v2/notifications/inbox/mark-all-as-read')).status).toBe(204)
    expect((await f.owner.ok('GET', '/api/v2/notifications/inbox')).unread_count).toBe(0)
    const bad = await f.owner.call('GET', '/api/v2/notifications/inbox?read_status=maybe&colour=red')
    expect(bad.status).toBe(400)
    expect(bad.body.validations.map((v: { field: string }) => v.field).sort()).toEqual([
      'colour',
      'read_status',
    ])
  })

  it('refuses a watch with unknown parameters (400) or without a token (401); honours filters and plaintext', async () => {
    const base = `${f.sim.url.replace('http', 'ws')}/api/v2/notifications/inbox/watch`
    const status = (url: string, headers = {}) =>
      new Promise<number>((resolve) =>
        new WebSocket(url, { headers }).on('unexpected-response', (_req, res) => resolve(res.statusCode!)),
      )
    expect(await status(base)).toBe(401)
    expect(await status(`${base}?bogus=1`, { 'Coder-Session-Token': f.owner.token! })).toBe(400)
    const plain = await watchInbox(f.sim, f.owner, `?format=plaintext&templates=${TEST_NOTIFICATION}`)
    const filtered = await watchInbox(f.sim, f.owner, `?templates=${TEMPLATE_DELETED}`)
    await f.owner.ok('POST', '/api/v2/notifications/test')
    const frame = await waitFor(() => plain.frames[0])
    expect(frame.notification.content).not.toContain('**')
    expect(frame.notification.template_id).toBe(TEST_NOTIFICATION)
    await new Promise((r) => setTimeout(r, 50))
    expect(filtered.frames).toEqual([])
    plain.socket.close()
    filtered.socket.close()
  })

  it('lists system notification templates and respects a user’s disabled preference', async () => {
    const templates = await f.owner.ok('GET', '/api/v2/notifications/templates/system')
    expect(templates).toContainEqual(
      expect.objectContaining({
        id: TEMPLATE_DELETED,
        name: 'Template Deleted',
        kind: 'system',
        enabled_by_default: true,
      }),
    )
    expect(typeof templates[0].actions).toBe('string')
    const admin = await createUser(f, ['template-admin'])
    await admin.client.ok('PUT', '/api/v2/users/me/notifications/preferences', {
      template_disabled_map: { [TEMPLATE_DELETED]: true },
    })
    expect(await admin.client.ok('GET', '/api/v2/users/me/notifications/preferences')).toEqual([
      { id: TEMPLATE_DELETED, disabled: true, updated_at: expect.any(String) },
    ])
    const template = await createTemplate(f.owner, f.orgId, 'prefs')
    await f.owner.ok('DELETE', `/api/v2/templates/${template.id}`)
    await new Promise((r) => setTimeout(r, 100))
    expect((await admin.client.ok('GET', '/api/v2/notifications/inbox')).notifications).toEqual([])
  })
})
