import { randomUUID } from 'node:crypto'

import { createTransport } from 'nodemailer'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { describeWithDocker } from './describe-with-docker.ts'
import { LABEL_RUN_ID } from './mocks-image.ts'
import { removeRunResources } from './remove-run-resources.ts'
import { SmtpMockContainer, type StartedSmtpMockContainer } from './smtp-mock-container.ts'

type Subjects = { subject: string }[]

describeWithDocker('SmtpMockContainer', () => {
  const runId = `test-${randomUUID()}`
  let smtp: StartedSmtpMockContainer

  beforeAll(async () => {
    smtp = await new SmtpMockContainer()
      .withLabels({ [LABEL_RUN_ID]: runId })
      .withPurgeAtCount(2)
      .start()
  })
  afterAll(async () => {
    await smtp?.stop()
    await removeRunResources(runId)
  })

  it('receives mail on getSmtpPort() and serves it by recipient at getApiUrl()', async () => {
    const transport = createTransport({
      host: smtp.getSmtpHost(),
      port: smtp.getSmtpPort(),
      pool: true,
      ignoreTLS: true,
    })
    try {
      for (const n of [1, 2]) {
        await transport.sendMail({
          from: 'coder@example.com',
          to: `user${n}@example.com`,
          subject: `message ${n}`,
          text: 'x',
        })
      }
    } finally {
      transport.close()
    }
    const response = await fetch(`${smtp.getApiUrl()}/messages?email=user2@example.com`)
    expect(response.status).toBe(200)
    expect(((await response.json()) as Subjects).map((m) => m.subject)).toEqual(['message 2'])
  })

  it('applies withPurgeAtCount(2): the third message purges the mailbox first', async () => {
    const transport = createTransport({ host: smtp.getSmtpHost(), port: smtp.getSmtpPort(), ignoreTLS: true })
    await transport.sendMail({
      from: 'coder@example.com',
      to: 'user3@example.com',
      subject: 'message 3',
      text: 'x',
    })
    transport.close()
    const all = (await (await fetch(`${smtp.getApiUrl()}/messages`)).json()) as Subjects
    expect(all.map((m) => m.subject)).toEqual(['message 3'])
  })

  it("passes the image's HEALTHCHECK, which probes both of its ports", async () => {
    const result = await smtp.exec(['/usr/local/bin/node', '/app/healthcheck.mjs'])
    expect([result.exitCode, result.output.trim()]).toEqual([0, 'healthy'])
  })

  it('is reached by IP from other containers on the default bridge (no alias there)', () => {
    expect(smtp.getNetworkSmtpAddress()).toMatch(/^\d+\.\d+\.\d+\.\d+:2525$/)
  })
})
