import type { Agent } from 'node:http'
import { connect } from 'node:net'

import { createTransport } from 'nodemailer'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { createPool, httpRequest } from './http-test-client.ts'
import { dataPayload, RawSmtpClient } from './raw-smtp-client.ts'
import { type StartedSmtpMock, startSmtpMock } from './smtp-mock.ts'

const MAX_BYTES = 2_000

describe('bad input', () => {
  let mock: StartedSmtpMock
  let pool: Agent
  const clients: RawSmtpClient[] = []
  const open = async () => {
    const client = await RawSmtpClient.connect(mock.smtpPort)
    clients.push(client)
    expect(await client.reply()).toMatch(/^220 /)
    return client
  }
  // The server is healthy if a well-behaved client can still deliver and look mail up.
  const expectStillServing = async (to: string) => {
    const transport = createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true })
    try {
      await transport.sendMail({ from: 'a@b.io', to, subject: 'after', text: 'still up' })
    } finally {
      transport.close()
    }
    const inbox = await httpRequest(pool, mock.apiUrl, `/messages?email=${encodeURIComponent(to)}`)
    expect(inbox.json()).toMatchObject([{ subject: 'after' }])
  }

  beforeAll(async () => {
    mock = await startSmtpMock({ maxMessageBytes: MAX_BYTES, log: () => {} })
    pool = createPool(4)
  })
  afterEach(() => {
    for (const client of clients.splice(0)) client.close()
  })
  afterAll(async () => {
    pool.destroy()
    await mock.close()
  })

  it('answers garbage commands with 500 and hangs up with 421 after ten of them', async () => {
    const client = await open()
    expect(await client.command('HELLO THERE')).toBe('500 Error: command not recognized')
    expect(await client.command('\u0000\u00ff\u0007 binary junk')).toMatch(/^500 /)
    expect(await client.command('RCPT TO:<x@y.io>')).toMatch(/^503 /)
    expect(await client.command('EHLO tester')).toMatch(/^250[- ]/)
    expect(await client.command('DATA')).toMatch(/^503 Error: need (MAIL|RCPT) command/)
    let last = ''
    for (let i = 0; i < 10 && last.startsWith('421') === false; i++) last = await client.command(`JUNK${i}`)
    expect(last).toBe('421 Error: too many unrecognized commands')
    expect(await client.closedWithin(5_000)).toBe(true)
    await expectStillServing('after-garbage@example.com')
  })

  it('refuses an HTTP request sent to the SMTP port', async () => {
    const client = await open()
    expect(await client.command('GET / HTTP/1.1')).toMatch(/^421 .*HTTP requests not allowed/)
    expect(await client.closedWithin(5_000)).toBe(true)
  })

  it('handles pipelined MAIL, RCPT and DATA in a single write', async () => {
    const client = await open()
    const ehlo = await client.command('EHLO pipeliner')
    expect(ehlo).toContain('PIPELINING')
    expect(ehlo).toContain(`SIZE ${MAX_BYTES}`)
    expect(ehlo).not.toContain('STARTTLS')
    client.write(
      'MAIL FROM:<p@example.com>\r\nRCPT TO:<Piped@Example.com>\r\nRCPT TO:<other@example.com>\r\nDATA\r\n',
    )
    expect([await client.reply(), await client.reply(), await client.reply(), await client.reply()]).toEqual([
      expect.stringMatching(/^250 /),
      expect.stringMatching(/^250 /),
      expect.stringMatching(/^250 /),
      expect.stringMatching(/^354 /),
    ])
    client.write(dataPayload('Subject: piped\r\n\r\n.leading dot line\r\n'))
    expect(await client.reply()).toMatch(/^250 OK/)
    expect(mock.mailbox.messages('piped@example.com').map((m) => m.subject)).toEqual(['piped'])
    expect(mock.mailbox.messages('other@example.com').map((m) => m.subject)).toEqual(['piped'])
  })

  it('rejects an oversized message with 552, by SIZE or after draining DATA, and keeps the session', async () => {
    const client = await open()
    await client.command('EHLO big')
    expect(await client.command(`MAIL FROM:<big@example.com> SIZE=${MAX_BYTES + 1}`)).toMatch(/^552 /)

    expect(await client.command('MAIL FROM:<big@example.com>')).toMatch(/^250 /)
    expect(await client.command('RCPT TO:<big@example.com>')).toMatch(/^250 /)
    expect(await client.command('DATA')).toMatch(/^354 /)
    client.write(dataPayload(`Subject: too big\r\n\r\n${'x'.repeat(70)}\r\n`.repeat(100)))
    expect(await client.reply()).toMatch(/^552 .*maximum message size 2000/)
    // The whole body was drained: the same session can send again.
    expect(await client.command('MAIL FROM:<big@example.com>')).toMatch(/^250 /)
    expect(await client.command('RCPT TO:<big@example.com>')).toMatch(/^250 /)
    expect(await client.command('DATA')).toMatch(/^354 /)
    client.write(dataPayload('Subject: small\r\n\r\nok\r\n'))
    expect(await client.reply()).toMatch(/^250 /)
    expect(mock.mailbox.messages('big@example.com').map((m) => m.subject)).toEqual(['small'])
    expect(mock.counters.rejectedOversized).toBe(1)

    const transport = createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true })
    try {
      const send = transport.sendMail({ from: 'a@b.io', to: 'big@example.com', text: 'y'.repeat(5_000) })
      await expect(send).rejects.toMatchObject({ responseCode: 552 })
    } finally {
      transport.close()
    }
  })

  it('survives clients that vanish mid-DATA or right after connecting', async () => {
    const received = mock.counters.received
    const client = await open()
    await client.command('EHLO leaver')
    await client.command('MAIL FROM:<l@example.com>')
    await client.command('RCPT TO:<leaver@example.com>')
    expect(await client.command('DATA')).toMatch(/^354 /)
    client.write('Subject: half\r\n\r\nonly half of the bo')
    client.close()
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const socket = connect(mock.smtpPort, '127.0.0.1')
        socket.on('error', () => {})
        await new Promise((resolve) => socket.once('connect', resolve))
        socket.resetAndDestroy()
      }),
    )
    await expectStillServing('after-leavers@example.com')
    expect(mock.mailbox.messages('leaver@example.com')).toEqual([])
    expect(mock.counters.received).toBe(received + 1)
  })

  it('answers a malformed or empty email with 400 and a message', async () => {
    for (const query of [
      'email=not-an-address',
      'email=a%20b%40c.io',
      'email=%3Cx%40y.io%3E',
      'email=a%40b&email=c%40d',
    ]) {
      const response = await httpRequest(pool, mock.apiUrl, `/messages?${query}`)
      expect(response.status, query).toBe(400)
      expect(response.json()).toMatchObject({
        message: 'Query parameters have invalid values.',
        validations: [{ field: 'email', detail: expect.any(String) }],
      })
    }
    const empty = await httpRequest(pool, mock.apiUrl, '/messages?email=')
    expect(empty.status).toBe(400)
    expect(empty.json()).toMatchObject({
      validations: [{ detail: expect.stringContaining('omit the parameter') }],
    })
  })

  it('answers unknown routes with 404, wrong methods with 405, broken HTTP with 400', async () => {
    const missing = await httpRequest(pool, mock.apiUrl, '/nope')
    expect(missing.status).toBe(404)
    expect(missing.json()).toMatchObject({ message: 'no route for GET /nope' })
    const wrong = await httpRequest(pool, mock.apiUrl, '/purge')
    expect(wrong.status).toBe(405)
    expect(wrong.headers.allow).toBe('POST')
    expect(wrong.json()).toEqual({ message: 'GET is not allowed on /purge; use POST' })

    const url = new URL(mock.apiUrl)
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname)
      let text = ''
      socket.setEncoding('latin1')
      socket.on('data', (chunk: string) => {
        text += chunk
      })
      socket.on('close', () => resolve(text))
      socket.on('error', () => {})
      socket.write('\u0001\u0002 NOT HTTP AT ALL\r\n\r\n')
    })
    expect(raw).toMatch(/^HTTP\/1\.1 400 /)
    expect((await httpRequest(pool, mock.apiUrl, '/healthz')).status).toBe(200)
  })
})
