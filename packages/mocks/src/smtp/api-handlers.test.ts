import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createSmtpApiHandlers } from './api-handlers.ts'
import { buildCoderEmail } from './coder-email.ts'
import { Mailbox } from './mailbox.ts'
import { parseMessage } from './parse-message.ts'
import { startSmtpMock } from './smtp-mock.ts'

const BASE = 'http://smtp-mock.test'
const mailbox = new Mailbox()

describe('createSmtpApiHandlers (in-process via msw)', () => {
  const server = setupServer(...createSmtpApiHandlers(mailbox))
  beforeAll(() => server.listen())
  afterAll(() => server.close())

  it('serves lookups, purge, health and metrics from a mailbox you fill yourself', async () => {
    const raw = buildCoderEmail({
      to: 'owner@example.com',
      subject: 'Workspace "dev" deleted',
      templateId: 'f517da0b-cdc9-410f-ab89-a86107c420ed',
      messageId: 'm1@coderd',
      date: new Date('2026-05-01T10:00:00Z'),
    })
    mailbox.add(['Owner@Example.com'], parseMessage(Buffer.from(raw)))

    const inbox = await fetch(`${BASE}/messages?email=owner%40example.com`)
    expect(inbox.status).toBe(200)
    expect(await inbox.json()).toEqual([
      {
        subject: 'Workspace "dev" deleted',
        date: '2026-05-01T10:00:00Z',
        notification_template_id: 'f517da0b-cdc9-410f-ab89-a86107c420ed',
        message_id: 'm1@coderd',
        received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    ])
    const bad = await fetch(`${BASE}/messages?email=nope`)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ message: 'Query parameters have invalid values.' })
    expect((await fetch(`${BASE}/healthz`)).status).toBe(200)
    expect(await (await fetch(`${BASE}/metrics`)).text()).toContain('smtp_mock_lookups_total 1')
    expect(await (await fetch(`${BASE}/purge`, { method: 'POST' })).json()).toEqual({ purged: 1 })
    expect(mailbox.size).toBe(0)
  })
})

describe("startSmtpMock({ serveWith: 'msw' })", () => {
  it('serves the same API over real HTTP through the msw handlers', async () => {
    const mock = await startSmtpMock({ serveWith: 'msw', log: () => {} })
    try {
      mock.mailbox.add(['a@example.com'], parseMessage(Buffer.from('Subject: hi\r\n\r\nx')))
      const response = await fetch(`${mock.apiUrl}/messages?email=A%40example.com`)
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject([{ subject: 'hi' }])
      const missing = await fetch(`${mock.apiUrl}/other`)
      expect(missing.status).toBe(404)
      await missing.body?.cancel()
    } finally {
      await mock.close()
    }
  })
})
