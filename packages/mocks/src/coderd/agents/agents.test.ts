import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'

import {
  createUser,
  type Fixture,
  type Json,
  type SimClient,
  startFixture,
  terraformTemplate,
  waitFor,
} from '../test/sim-client.ts'
import { AGENT_TEMPLATE, EXTERNAL_AGENT_TEMPLATE, tarOf } from '../test/tar.ts'
import { JsonStreamDecoder } from './pty.ts'
import { templateModelOf } from './terraform.ts'

interface Pty {
  ws: WebSocket
  text: () => string
  binary: boolean[]
  closed: Promise<number>
}

/** Dials with the session cookie alone, as Coder's client does; collects output from the first byte. */
function dialPty(client: SimClient, agentId: string, query: Record<string, string>): Promise<Pty> {
  const url = new URL(`${client.url.replace('http', 'ws')}/api/v2/workspaceagents/${agentId}/pty`)
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  const ws = new WebSocket(url, { headers: { cookie: `coder_session_token=${client.token}` } })
  const chunks: Buffer[] = []
  const binary: boolean[] = []
  ws.on('message', (data: Buffer, isBinary) => {
    chunks.push(data)
    binary.push(isBinary)
  })
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  const text = () => Buffer.concat(chunks).toString('utf8')
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, text, binary, closed }))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

describe('template resources from main.tf', () => {
  it('reads agents, apps and the external agent', () => {
    const model = templateModelOf(Buffer.from(tarOf({ 'main.tf': AGENT_TEMPLATE })))
    expect(model.hasExternalAgent).toBe(false)
    expect(model.agents).toEqual([
      {
        name: 'main',
        operatingSystem: 'linux',
        architecture: 'amd64',
        apps: [{ slug: 'code-server', displayName: 'code-server', subdomain: false }],
      },
    ])
    expect(model.resources).toEqual([{ type: 'docker_container', name: 'workspace', agents: ['main'] }])
    const external = templateModelOf(Buffer.from(tarOf({ 'main.tf': EXTERNAL_AGENT_TEMPLATE })))
    expect(external.hasExternalAgent).toBe(true)
    expect(external.resources).toEqual([{ type: 'coder_external_agent', name: 'box', agents: ['ext'] }])
  })

  it('decodes JSON requests split and joined across messages', () => {
    const decoder = new JsonStreamDecoder()
    expect(decoder.push('{"data":"a}"}{"da')).toEqual([{ data: 'a}' }])
    expect(decoder.push('ta":"b"}')).toEqual([{ data: 'b' }])
    expect(() => decoder.push('x')).toThrow(/unexpected/)
  })
})

describe('workspace agents', () => {
  let f: Fixture
  let member: Awaited<ReturnType<typeof createUser>>
  let plain: Json
  let external: Json
  beforeAll(async () => {
    f = await startFixture({ jobDurationMs: 150, agentConnectDelayMs: 30, agentReadyDelayMs: 30 })
    plain = await terraformTemplate(f.owner, f.orgId, 'agent-template', { 'main.tf': AGENT_TEMPLATE })
    external = await terraformTemplate(f.owner, f.orgId, 'external-template', {
      'main.tf': EXTERNAL_AGENT_TEMPLATE,
    })
    member = await createUser(f)
  })
  afterAll(() => f.sim.close())

  it('has no resources until the job succeeds, then agents go created → starting → ready', async () => {
    expect(plain.version.has_external_agent).toBe(false)
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: plain.template.id,
      name: 'scaletest-agents',
    })
    expect(ws.latest_build.resources).toEqual([])
    const seen: string[] = []
    const ready = await waitFor(async () => {
      const w = await member.client.ok('GET', `/api/v2/workspaces/${ws.id}`)
      const agent = w.latest_build.resources[0]?.agents[0]
      if (w.latest_build.job.status !== 'succeeded') expect(w.latest_build.resources).toEqual([])
      if (agent && seen.at(-1) !== agent.lifecycle_state) seen.push(agent.lifecycle_state)
      return agent?.lifecycle_state === 'ready' ? agent : undefined
    })
    expect(seen[0]).toBe('created')
    expect(seen.at(-1)).toBe('ready')
    const agent = await member.client.ok('GET', `/api/v2/workspaceagents/${ready.id}`)
    expect(agent).toMatchObject({
      name: 'main',
      status: 'connected',
      lifecycle_state: 'ready',
      health: { healthy: true },
      api_version: expect.any(String),
      connection_timeout_seconds: expect.any(Number),
      display_apps: expect.arrayContaining(['web_terminal']),
      environment_variables: {},
      logs_length: 0,
      logs_overflowed: false,
      parent_id: null,
      scripts: [],
      subsystems: [],
      startup_script_behavior: 'non-blocking',
      troubleshooting_url: '',
      apps: [expect.objectContaining({ slug: 'code-server' })],
    })
    expect(agent.log_sources).toHaveLength(1)
    for (const key of ['first_connected_at', 'started_at', 'ready_at'])
      expect(Date.parse(agent[key])).toBeGreaterThanOrEqual(Date.parse(agent.created_at))
    expect(Date.parse(agent.ready_at)).toBeGreaterThanOrEqual(Date.parse(agent.started_at))
    const other = await createUser(f)
    expect((await other.client.call('GET', `/api/v2/workspaceagents/${ready.id}`)).status).toBe(404)
    expect((await member.client.call('GET', '/api/v2/workspaceagents/nope')).status).toBe(400)
  })

  it('runs echo and the dd sink over the PTY, and resumes a session on reconnect', async () => {
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: plain.template.id,
      name: 'scaletest-pty',
    })
    const agent = await waitFor(async () => {
      const w = await member.client.ok('GET', `/api/v2/workspaces/${ws.id}`)
      const a = w.latest_build.resources[0]?.agents[0]
      return a?.status === 'connected' ? a : undefined
    })
    const once = await dialPty(member.client, agent.id, {
      reconnect: crypto.randomUUID(),
      command: 'echo hello pty',
    })
    expect(await once.closed).toBe(1000)
    expect(once.text()).toBe('hello pty\r\n')
    expect(once.binary.every(Boolean)).toBe(true)

    const reconnect = crypto.randomUUID()
    const command = 'dd if=/dev/stdin of=/dev/stdout bs=1024 status=none'
    const got = await dialPty(member.client, agent.id, { reconnect, width: '80', height: '25', command })
    const first = got.ws
    first.send(JSON.stringify({ data: 'abc\n' }))
    first.send(Buffer.from(`${JSON.stringify({ data: 'def' })}${JSON.stringify({ height: 30, width: 100 })}`))
    // The terminal echoes each input, then dd copies it: every byte comes back twice, \n as \r\n.
    await waitFor(() => got.text() === 'abc\r\nabc\r\ndefdef')
    first.close()
    await got.closed
    const resumed = await dialPty(member.client, agent.id, { reconnect, command })
    const second = resumed.ws
    await waitFor(() => resumed.text() === 'abc\r\nabc\r\ndefdef')
    second.send(JSON.stringify({ data: 'ghi' }))
    await waitFor(() => resumed.text() === 'abc\r\nabc\r\ndefdefghighi')
    second.send(JSON.stringify({ data: '\x03' }))
    expect(await resumed.closed).toBe(1000)
  })

  it('refuses a PTY to an agent that is not connected, a bad reconnect id and no session', async () => {
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: external.template.id,
      name: 'scaletest-ext-pty',
    })
    const agent = await waitFor(async () => {
      const w = await member.client.ok('GET', `/api/v2/workspaces/${ws.id}`)
      return w.latest_build.resources[0]?.agents[0]
    })
    await expect(dialPty(member.client, agent.id, { reconnect: crypto.randomUUID() })).rejects.toThrow(
      'status 400',
    )
    const url = `${f.sim.url.replace('http', 'ws')}/api/v2/workspaceagents/${agent.id}/pty?reconnect=x`
    const anonymous = new WebSocket(url)
    const status = await new Promise((resolve) =>
      anonymous.once('unexpected-response', (_q, r) => resolve(r.statusCode)),
    )
    expect(status).toBe(401)
  })

  it('answers external-agent credentials 404 before the build job completes and with the token after', async () => {
    expect(external.version.has_external_agent).toBe(true)
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: external.template.id,
      name: 'scaletest-external',
    })
    expect(ws.latest_build.has_external_agent).toBe(true)
    const early = await member.client.call(
      'GET',
      `/api/v2/workspaces/${ws.id}/external-agent/ext/credentials`,
    )
    expect(early.status).toBe(404)
    expect(early.body.message).toBe("External agent 'ext' not found in workspace.")
    await waitFor(async () => {
      const w = await member.client.ok('GET', `/api/v2/workspaces/${ws.id}`)
      return w.latest_build.job.status === 'succeeded'
    })
    const agentBefore = (await member.client.ok('GET', `/api/v2/workspaces/${ws.id}`)).latest_build
      .resources[0].agents[0]
    expect(agentBefore.status).toBe('connecting')
    const creds = await member.client.ok('GET', `/api/v2/workspaces/${ws.id}/external-agent/ext/credentials`)
    expect(creds.agent_token).toMatch(/^[0-9a-f-]{36}$/)
    expect(creds.command).toContain(`CODER_AGENT_TOKEN="${creds.agent_token}"`)
    expect(creds.command).toContain('/api/v2/init-script/linux/arm64')
    await waitFor(
      async () =>
        (await member.client.ok('GET', `/api/v2/workspaceagents/${agentBefore.id}`)).lifecycle_state ===
        'ready',
    )
    const plainWs = await member.client.ok('GET', '/api/v2/users/me/workspace/scaletest-agents')
    const none = await member.client.call(
      'GET',
      `/api/v2/workspaces/${plainWs.id}/external-agent/main/credentials`,
    )
    expect(none).toMatchObject({
      status: 404,
      body: { message: 'Workspace does not have an external agent.' },
    })
  })

  it('turns agents off when the workspace stops', async () => {
    const ws = await member.client.ok('GET', '/api/v2/users/me/workspace/scaletest-agents')
    const agentId = ws.latest_build.resources[0].agents[0].id
    await member.client.ok('POST', `/api/v2/workspaces/${ws.id}/builds`, { transition: 'stop' })
    const off = await waitFor(async () => {
      const a = await member.client.ok('GET', `/api/v2/workspaceagents/${agentId}`)
      return a.lifecycle_state === 'off' ? a : undefined
    })
    expect(off).toMatchObject({ status: 'disconnected', health: { healthy: false } })
    const stopped = await member.client.ok('GET', `/api/v2/workspaces/${ws.id}`)
    expect(stopped.latest_build).toMatchObject({ status: 'stopped', resources: [] })
  })
})
