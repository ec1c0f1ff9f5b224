import { createTransport } from 'nodemailer'
import { afterEach, describe, expect, it } from 'vitest'

import { InvalidFaultError, type SmtpFaults } from './faults.ts'
import { dataPayload, RawSmtpClient } from './raw-smtp-client.ts'
import { type StartedSmtpMock, startSmtpMock } from './smtp-mock.ts'

const started: StartedSmtpMock[] = []
const clients: RawSmtpClient[] = []

async function mockWith(faults: SmtpFaults) {
  const mock = await startSmtpMock({ faults, log: () => {} })
  started.push(mock)
  return mock
}

async function session(mock: StartedSmtpMock) {
  const client = await RawSmtpClient.connect(mock.smtpPort)
  clients.push(client)
  await client.reply()
  await client.command('EHLO faulty')
  return client
}

/** Sends one message on an open session; returns the reply to the end of DATA ('' if dropped). */
async function send(client: RawSmtpClient, to: string, subject: string): Promise<string> {
  await client.command('MAIL FROM:<s@example.com>')
  await client.command(`RCPT TO:<${to}>`)
  await client.command('DATA')
  client.write(dataPayload(`Subject: ${subject}\r\n\r\nbody\r\n`))
  return client.reply()
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await Promise.all(started.splice(0).map((mock) => mock.close()))
})

describe('fault injection', () => {
  it('rejects about the configured share with the configured code, reproducibly per seed', async () => {
    const codesOf = async (mock: StartedSmtpMock) => {
      const client = await session(mock)
      const codes: string[] = []
      for (let i = 0; i < 300; i++) codes.push((await send(client, 'r@example.com', `m${i}`)).slice(0, 3))
      return codes
    }
    const first = await mockWith({ rejectRate: 0.3, rejectCode: 451, seed: 7 })
    const codes = await codesOf(first)
    const rejected = codes.filter((c) => c === '451').length
    expect(rejected).toBeGreaterThan(50)
    expect(rejected).toBeLessThan(130)
    expect(codes.filter((c) => c === '250').length).toBe(300 - rejected)
    expect(first.mailbox.size).toBe(300 - rejected)
    expect(first.counters.rejectedFault).toBe(rejected)
    expect(await codesOf(await mockWith({ rejectRate: 0.3, rejectCode: 451, seed: 7 }))).toEqual(codes)
  })

  it('answers 550 as a permanent failure and 421 by closing the connection', async () => {
    const permanent = await session(await mockWith({ rejectRate: 1, rejectCode: 550 }))
    expect(await send(permanent, 'p@example.com', 'x')).toMatch(/^550 .*injected fault 550/)
    expect(await send(permanent, 'p@example.com', 'y')).toMatch(/^550 /)

    const closing = await session(await mockWith({ rejectRate: 1, rejectCode: 421 }))
    expect(await send(closing, 'c@example.com', 'x')).toMatch(/^421 /)
    expect(await closing.closedWithin(5_000)).toBe(true)
  })

  it('drops the connection without a reply', async () => {
    const mock = await mockWith({ dropRate: 1 })
    const client = await session(mock)
    expect(await send(client, 'd@example.com', 'x')).toBe('')
    expect(await client.closedWithin(5_000)).toBe(true)
    expect(mock.counters.droppedFault).toBe(1)
    expect(mock.mailbox.size).toBe(0)
  })

  it('delays the reply to DATA', async () => {
    const client = await session(await mockWith({ dataDelayMs: 300 }))
    const startedAt = performance.now()
    expect(await send(client, 'slow@example.com', 'x')).toMatch(/^250 /)
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(290)
  })

  it('lets a retrying sender deliver every message exactly once', async () => {
    const mock = await mockWith({ rejectRate: 0.3, dropRate: 0.2, seed: 3 })
    let failures = 0
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        for (let attempt = 0; ; attempt++) {
          // A fresh connection per attempt, as a sender does after a dropped connection.
          const transport = createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true })
          try {
            await transport.sendMail({
              from: 'r@example.com',
              to: `retry${i}@example.com`,
              subject: `r${i}`,
              text: 'x',
            })
            return
          } catch (error) {
            failures++
            if (attempt > 30) throw error
          } finally {
            transport.close()
          }
        }
      }),
    )
    expect(failures).toBeGreaterThan(0)
    expect(mock.mailbox.size).toBe(40)
    for (let i = 0; i < 40; i++) expect(mock.mailbox.messages(`retry${i}@example.com`)).toHaveLength(1)
    expect(mock.counters.rejectedFault + mock.counters.droppedFault).toBe(failures)
  })

  it('refuses invalid fault settings with a message naming the field', async () => {
    await expect(startSmtpMock({ faults: { rejectRate: 1.5 } })).rejects.toThrow(InvalidFaultError)
    await expect(startSmtpMock({ faults: { rejectRate: 0.6, dropRate: 0.6 } })).rejects.toThrow(/at most 1/)
    await expect(startSmtpMock({ faults: { rejectCode: 500 as 451 } })).rejects.toThrow(
      /rejectCode must be one of/,
    )
    await expect(startSmtpMock({ faults: { dataDelayMs: -1 } })).rejects.toThrow(/dataDelayMs/)
  })
})
