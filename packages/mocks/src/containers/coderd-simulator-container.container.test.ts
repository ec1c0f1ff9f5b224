import { randomUUID } from 'node:crypto'

import { getContainerRuntimeClient, type StartedNetwork } from 'testcontainers'
import { afterAll, beforeAll, expect, it } from 'vitest'

import {
  CoderdSimulatorContainer,
  type StartedCoderdSimulatorContainer,
} from './coderd-simulator-container.ts'
import { describeWithDocker } from './describe-with-docker.ts'
import { LABEL_RUN_ID } from './mocks-image.ts'
import { listRunContainers, removeRunResources } from './remove-run-resources.ts'
import { startRunNetwork } from './run-network.ts'
import { SMTP_MOCK_ALIAS, SmtpMockContainer, type StartedSmtpMockContainer } from './smtp-mock-container.ts'

type Subjects = { subject: string }[]

const owner = { email: 'owner@example.com', username: 'owner', password: 'container-test-password-1' }

describeWithDocker('CoderdSimulatorContainer', () => {
  const runId = `test-${randomUUID()}`
  let network: StartedNetwork
  let smtp: StartedSmtpMockContainer
  let coderd: StartedCoderdSimulatorContainer

  beforeAll(async () => {
    network = await startRunNetwork(runId)
    smtp = await new SmtpMockContainer()
      .withNetwork(network)
      .withLabels({ [LABEL_RUN_ID]: runId })
      .start()
    coderd = await new CoderdSimulatorContainer()
      .withNetwork(network)
      .withLabels({ [LABEL_RUN_ID]: runId })
      .withFirstUser(owner)
      .withSmtpMock(smtp)
      .start()
  })
  afterAll(async () => {
    await removeRunResources(runId)
  })

  it('mails the SMTP mock through its network alias', async () => {
    expect(smtp.getNetworkSmtpAddress()).toBe(`${SMTP_MOCK_ALIAS}:2525`)
    const token = await coderd.login()
    const headers = { 'Coder-Session-Token': token, 'content-type': 'application/json' }
    const orgs = (await (await fetch(`${coderd.getUrl()}/api/v2/organizations`, { headers })).json()) as {
      id: string
    }[]
    const created = await fetch(`${coderd.getUrl()}/api/v2/users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        email: 'member@example.com',
        username: 'member',
        password: 'member-password-long-1',
        login_type: 'password',
        organization_ids: [orgs[0]!.id],
      }),
    })
    expect(created.status).toBe(201)
    let subjects: string[] = []
    for (let i = 0; i < 100 && subjects.length === 0; i++) {
      const mail = (await (
        await fetch(`${smtp.getApiUrl()}/messages?email=${owner.email}`)
      ).json()) as Subjects
      subjects = mail.map((m) => m.subject)
      if (subjects.length === 0) await new Promise((r) => setTimeout(r, 100))
    }
    expect(subjects).toEqual(['User account "member" created'])
  })

  it('logs in as the first user and never exposes the password in argv or getters', async () => {
    expect(coderd.getFirstUser()).toEqual({ email: owner.email, username: owner.username })
    const me = await fetch(`${coderd.getUrl()}/api/v2/users/me`, {
      headers: { 'Coder-Session-Token': await coderd.login() },
    })
    expect(((await me.json()) as { username: string }).username).toBe('owner')
    const docker = (await getContainerRuntimeClient()).container.dockerode
    const { Config } = await docker.getContainer(coderd.getId()).inspect()
    expect(Config.Cmd).toEqual(expect.arrayContaining(['--first-user-email', owner.email]))
    expect(Config.Cmd.join(' ')).not.toContain(owner.password)
  })

  it('rejects a bad first user before starting anything', () => {
    expect(() => new CoderdSimulatorContainer().withFirstUser({ ...owner, email: 'not-an-email' })).toThrow(
      /invalid firstUser.email/,
    )
    expect(() => new CoderdSimulatorContainer().withFirstUser({ ...owner, password: 'short' })).toThrow(
      /\[redacted\]/,
    )
  })

  it('removes the whole run (containers and network) by its label', async () => {
    const removed = await removeRunResources(runId)
    expect(removed).toEqual({ containers: 2, networks: 1 })
    expect(await listRunContainers(runId)).toEqual([])
  })
})
