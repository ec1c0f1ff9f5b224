import type { Agent } from 'node:http'

import { createTransport } from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { buildCoderEmail } from './coder-email.ts'
import { createPool, httpRequest } from './http-test-client.ts'
import { NIL_UUID } from './mailbox.ts'
import { dataPayload, RawSmtpClient } from './raw-smtp-client.ts'
import { type StartedSmtpMock, startSmtpMock } from './smtp-mock.ts'

const RFC3339_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

const TEMPLATE_IDS = [
  '29a09665-2a4c-403f-9648-54301670e7be', // Template Deleted
  'f517da0b-cdc9-410f-ab89-a86107c420ed', // Workspace Deleted
  '4e19c0ac-94e1-4532-9515-d1801aa283b2', // User Account Created
]
const USERS = 1_000

describe('startSmtpMock', () => {
  let mock: StartedSmtpMock
  let pool: Agent
  const logs: string[] = []

  beforeAll(async () => {
    mock = await startSmtpMock({ log: (line) => logs.push(line) })
    pool = createPool(32)
  })
  afterAll(async () => {
    pool.destroy()
    await mock.close()
  })

  it('listens on 127.0.0.1 with distinct SMTP and API ports and answers /healthz', async () => {
    expect(mock.smtpHost).toBe('127.0.0.1')
    expect(mock.smtpUrl).toBe(`smtp://127.0.0.1:${mock.smtpPort}`)
    expect(mock.url).toBe(mock.apiUrl)
    expect(mock.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(mock.apiUrl).not.toContain(`:${mock.smtpPort}`)
    const health = await httpRequest(pool, mock.apiUrl, '/healthz')
    expect(health.status).toBe(200)
  })

  it('captures a notification and a plain message for each of 1,000 recipients sent concurrently', async () => {
    const transport = createTransport({
      host: '127.0.0.1',
      port: mock.smtpPort,
      pool: true,
      maxConnections: 20,
      maxMessages: Number.POSITIVE_INFINITY,
      ignoreTLS: true,
    })
    const date = new Date('2026-11-27T12:00:00Z')
    const users = Array.from({ length: USERS }, (_, i) => `Admin.${i}@Scale.Example.com`)
    try {
      await Promise.all(
        users.map(async (user, i) => {
          await transport.sendMail({
            envelope: { from: 'notifications@coder.example.com', to: [user] },
            raw: buildCoderEmail({
              to: user,
              subject: `Template "tpl-${i}" deleted`,
              templateId: TEMPLATE_IDS[i % TEMPLATE_IDS.length] as string,
              messageId: `notif-${i}@coderd`,
              date,
            }),
          })
          await transport.sendMail({
            from: 'someone@example.com',
            to: user,
            subject: `Grüße №${i}`,
            text: 'a plain message without any unsubscribe link',
            messageId: `<plain-${i}@example.com>`,
          })
        }),
      )
    } finally {
      transport.close()
    }
    expect(mock.mailbox.size).toBe(USERS * 2)

    const inboxes = await Promise.all(
      users.map((user) =>
        httpRequest(pool, mock.apiUrl, `/messages?email=${encodeURIComponent(user.toLowerCase())}`),
      ),
    )
    inboxes.forEach((response, i) => {
      expect(response.status).toBe(200)
      expect(response.headers['content-type']).toBe('application/json')
      expect(response.json()).toEqual([
        {
          subject: `Template "tpl-${i}" deleted`,
          date: '2026-11-27T12:00:00Z',
          notification_template_id: TEMPLATE_IDS[i % TEMPLATE_IDS.length],
          message_id: `notif-${i}@coderd`,
          received_at: expect.stringMatching(RFC3339_MS),
        },
        {
          subject: `Grüße №${i}`,
          date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          notification_template_id: NIL_UUID,
          message_id: `plain-${i}@example.com`,
          received_at: expect.stringMatching(RFC3339_MS),
        },
      ])
    })
    const all = await httpRequest(pool, mock.apiUrl, '/messages')
    expect(all.json()).toHaveLength(USERS * 2)
    const unknown = await httpRequest(pool, mock.apiUrl, '/messages?email=nobody%40example.com')
    expect(unknown.json()).toEqual([])
  })

  it('serves 200 SMTP sessions open at the same time', async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => RawSmtpClient.connect(mock.smtpPort)))
    try {
      const replies = await Promise.all(
        clients.map(async (client, i) => {
          await client.reply()
          await client.command('EHLO concurrent')
          client.write(`MAIL FROM:<c@example.com>\r\nRCPT TO:<session${i}@example.com>\r\nDATA\r\n`)
          await Promise.all([client.reply(), client.reply(), client.reply()])
          client.write(dataPayload(`Subject: session ${i}\r\n\r\nhello\r\n`))
          return client.reply()
        }),
      )
      expect(replies.filter((r) => r.startsWith('250 ')).length).toBe(200)
    } finally {
      for (const client of clients) client.close()
    }
    for (const i of [0, 99, 199])
      expect(mock.mailbox.messages(`session${i}@example.com`)).toMatchObject([{ subject: `session ${i}` }])
  })

  it('accepts mail sent with AUTH, whatever the credentials', async () => {
    const transport = createTransport({
      host: '127.0.0.1',
      port: mock.smtpPort,
      ignoreTLS: true,
      auth: { user: 'coder', pass: 'not-checked' },
    })
    try {
      const info = await transport.sendMail({
        from: 'a@b.io',
        to: 'auth-user@example.com',
        subject: 'authed',
        text: 'x',
      })
      expect(info.response).toMatch(/^250 /)
    } finally {
      transport.close()
    }
    expect(mock.mailbox.messages('auth-user@example.com').map((m) => m.subject)).toEqual(['authed'])
    expect(mock.counters.authenticated).toBe(1)
  })

  it('reports counters on /metrics and empties everything on POST /purge', async () => {
    const before = (await httpRequest(pool, mock.apiUrl, '/metrics')).text
    expect(before).toContain(`smtp_mock_messages_accepted_total ${USERS * 2 + 200 + 1}`)
    expect(before).toContain(`smtp_mock_messages_stored ${USERS * 2 + 200 + 1}`)
    expect(before).toMatch(/smtp_mock_lookups_total \d{4}/)
    expect(before).toMatch(/smtp_mock_received_bytes_total [1-9]\d{6}/)

    const purge = await httpRequest(pool, mock.apiUrl, '/purge', { method: 'POST' })
    expect(purge.status).toBe(200)
    expect(purge.json()).toEqual({ purged: USERS * 2 + 200 + 1 })
    expect(
      (await httpRequest(pool, mock.apiUrl, '/messages?email=admin.1%40scale.example.com')).json(),
    ).toEqual([])
    expect((await httpRequest(pool, mock.apiUrl, '/messages')).json()).toEqual([])
    const after = (await httpRequest(pool, mock.apiUrl, '/metrics')).text
    expect(after).toContain('smtp_mock_purges_total{trigger="manual"} 1')
    expect(after).toContain('smtp_mock_messages_stored 0')
    expect(logs).toEqual([])
  })
})

describe('auto-purge', () => {
  it('purges everything when the store reaches purgeAtCount, and logs it', async () => {
    const logs: string[] = []
    const mock = await startSmtpMock({ purgeAtCount: 10, log: (line) => logs.push(line) })
    const transport = createTransport({ host: '127.0.0.1', port: mock.smtpPort, pool: true, ignoreTLS: true })
    try {
      for (let i = 1; i <= 25; i++)
        await transport.sendMail({ from: 'a@b.io', to: 'cap@example.com', subject: `m${i}`, text: 'x' })
      expect(logs).toEqual([
        'smtp mock: message count reached 10; purged 10 messages',
        'smtp mock: message count reached 10; purged 10 messages',
      ])
      expect(mock.mailbox.messages('cap@example.com').map((m) => m.subject)).toEqual([
        'm21',
        'm22',
        'm23',
        'm24',
        'm25',
      ])
      expect(mock.mailbox.purges).toEqual({ manual: 0, auto: 2 })
    } finally {
      transport.close()
      await mock.close()
    }
  })
})
