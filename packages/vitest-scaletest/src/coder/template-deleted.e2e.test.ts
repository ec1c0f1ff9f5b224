import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type StartedSmtpMock, startCoderdSimulator, startSmtpMock } from '@scaletest/mocks'
import { CoderClient } from './client.ts'
import { TEMPLATE_DELETED_NOTIFICATION_ID } from './notification-ids.ts'
import type { InboxWatchFrame } from './schemas.ts'
import { createEchoTemplate, createUserClient, OWNER, type SimulatorSession } from './simulator-setup.ts'
import type { CoderStream } from './stream.ts'

interface MailSummary {
  subject: string
  date: string
  notification_template_id?: string
}

let smtp: StartedSmtpMock
let session: SimulatorSession

beforeAll(async () => {
  smtp = await startSmtpMock({ log: () => {} })
  const sim = await startCoderdSimulator({
    firstUser: OWNER,
    emailSmarthost: `${smtp.smtpHost}:${smtp.smtpPort}`,
    dispatchDelayMs: 20,
    jobDurationMs: 30,
  })
  const owner = await new CoderClient({ url: sim.url }).loginAs(OWNER)
  session = { url: sim.url, owner, org: await owner.defaultOrganization(), close: () => sim.close() }
})
afterAll(async () => {
  await session?.close()
  await smtp?.close()
})

async function mailFor(email: string): Promise<MailSummary[]> {
  const url = new URL('/messages', smtp.apiUrl)
  url.searchParams.set('email', email)
  const res = await request(url)
  expect(res.statusCode).toBe(200)
  return ((await res.body.json()) as MailSummary[] | null) ?? []
}

describe('Template Deleted reaches owners and template admins on both paths (simulator + SMTP mock)', () => {
  it('delivers over the inbox websocket and SMTP to everyone but the deleter', {
    timeout: 30_000,
  }, async () => {
    const admins = await Promise.all(
      [1, 2, 3].map(() => createUserClient(session, ['template-admin'], 'tadmin')),
    )
    const secondOwner = await createUserClient(session, ['owner'], 'owner2')
    const member = await createUserClient(session, [], 'member')
    const [deleter, ...otherAdmins] = admins
    const ownerEmail = OWNER.email
    const recipients = [
      { name: 'first owner', client: session.owner, email: ownerEmail },
      { name: secondOwner.user.username, client: secondOwner.client, email: secondOwner.email },
      ...otherAdmins.map((a) => ({ name: a.user.username, client: a.client, email: a.email })),
    ]
    const bystanders = [
      { name: 'deleter', client: deleter!.client, email: deleter!.email },
      { name: 'member', client: member.client, email: member.email },
    ]

    // Every participant subscribes before the trigger, as the scaletest runner does after its dial barrier.
    const watch = (client: CoderClient) =>
      client.watchInbox({ templates: [TEMPLATE_DELETED_NOTIFICATION_ID] })
    const sockets = new Map<string, CoderStream<InboxWatchFrame>>()
    for (const p of [...recipients, ...bystanders]) sockets.set(p.name, await watch(p.client))
    try {
      const template = await createEchoTemplate(deleter!.client, session.org.id, 'scaletest-test-template')
      await deleter!.client.deleteTemplate(template.id)

      const frames = await Promise.all(
        recipients.map((p) =>
          sockets
            .get(p.name)!
            .waitFor((f) => f.notification.targets?.includes(template.id) ?? false, { timeoutMs: 5_000 }),
        ),
      )
      for (const [i, frame] of frames.entries()) {
        expect(frame.notification.template_id, recipients[i]!.name).toBe(TEMPLATE_DELETED_NOTIFICATION_ID)
        expect(frame.notification.targets).toContain(session.org.id)
        expect(frame.notification.title).toContain('scaletest-test-template')
        expect(frame.notification.content).toContain(deleter!.user.username)
      }

      for (const p of recipients) {
        await expect
          .poll(
            async () =>
              (await mailFor(p.email)).filter(
                (m) => m.notification_template_id === TEMPLATE_DELETED_NOTIFICATION_ID,
              ),
            {
              timeout: 5_000,
              interval: 50,
            },
          )
          .toHaveLength(1)
        const [mail] = (await mailFor(p.email)).filter(
          (m) => m.notification_template_id === TEMPLATE_DELETED_NOTIFICATION_ID,
        )
        expect(mail?.subject).toBe('Template "scaletest-test-template" deleted')
      }

      // The fan-out is one dispatch: once every recipient has it, a bystander's copy would have arrived too.
      const latest = await session.owner.inboxNotifications({ templates: [TEMPLATE_DELETED_NOTIFICATION_ID] })
      expect(latest.notifications).toHaveLength(1)
      for (const p of bystanders) {
        const quiet = await sockets
          .get(p.name)!
          .waitFor(() => true, { timeoutMs: 300 })
          .catch((e: Error) => e.name)
        expect(quiet, p.name).toBe('CoderTimeoutError')
        expect(
          (await p.client.inboxNotifications({ templates: [TEMPLATE_DELETED_NOTIFICATION_ID] }))
            .notifications,
        ).toEqual([])
        expect(await mailFor(p.email)).toEqual(
          expect.not.arrayContaining([
            expect.objectContaining({ notification_template_id: TEMPLATE_DELETED_NOTIFICATION_ID }),
          ]),
        )
      }
    } finally {
      await Promise.all([...sockets.values()].map((s) => s.close()))
    }
  })
})
