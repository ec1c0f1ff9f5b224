import type { IncomingMessage } from 'node:http'

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
import { parseAppPath } from './app-proxy.ts'

const MAIN_TF = `
resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
resource "coder_app" "wsecho" {
  agent_id = coder_agent.main.id
  slug     = "wsec"
  url      = "http://localhost:1234"
}
resource "coder_app" "sub" {
  agent_id  = coder_agent.main.id
  slug      = "sub"
  subdomain = true
}
resource "null_resource" "workspace" {
  triggers = { token = coder_agent.main.token }
}
`

type Dialed = { ws: WebSocket } | { status: number; headers: IncomingMessage['headers']; body: string }

/** Dials an app path the way Coder's traffic runner does: the session token in the Coder-Session-Token header. */
function dial(baseUrl: string, path: string, headers: Record<string, string>): Promise<Dialed> {
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}${path}`, { headers, perMessageDeflate: false })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws }))
    ws.once('unexpected-response', (req, res) => {
      let body = ''
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8')
      })
      res.on('end', () => {
        req.destroy()
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
      })
    })
    ws.once('error', reject)
  })
}

function refused(dialed: Dialed): { status: number; headers: IncomingMessage['headers']; body: string } {
  if ('ws' in dialed) {
    dialed.ws.terminate()
    throw new Error('the dial was accepted')
  }
  return dialed
}

async function workspaceOf(f: Fixture, client: SimClient, name: string, ready = true): Promise<Json> {
  const { template } = await terraformTemplate(f.owner, f.orgId, `apps-${name}`, { 'main.tf': MAIN_TF })
  const ws = await client.ok('POST', '/api/v2/users/me/workspaces', { template_id: template.id, name })
  return waitFor(async () => {
    const w = await client.ok('GET', `/api/v2/workspaces/${ws.id}`)
    const agent = w.latest_build.resources[0]?.agents[0]
    if (!agent) return undefined
    return !ready || agent.status === 'connected' ? w : undefined
  })
}

describe('app paths', () => {
  it('parses owner, workspace, agent, slug and the rest', () => {
    expect(parseAppPath('/@alice/dev.main/apps/wsec/')).toEqual({
      owner: 'alice',
      workspace: 'dev',
      agent: 'main',
      slug: 'wsec',
      rest: '/',
    })
    expect(parseAppPath('/@alice/dev/apps/wsec')).toMatchObject({ agent: undefined, rest: undefined })
    expect(parseAppPath('/@alice/a.b.c/apps/wsec/')).toBeUndefined()
    expect(parseAppPath('/api/v2/users/me')).toBeUndefined()
  })
})

describe('path-based workspace apps (a WebSocket echo behind the agent)', () => {
  let f: Fixture
  let member: Awaited<ReturnType<typeof createUser>>
  let other: Awaited<ReturnType<typeof createUser>>
  let base: string
  beforeAll(async () => {
    f = await startFixture({ jobDurationMs: 50, agentConnectDelayMs: 20, agentReadyDelayMs: 20 })
    member = await createUser(f)
    other = await createUser(f)
    const workspace = await workspaceOf(f, member.client, 'echo-box')
    base = `/@${member.username}/${workspace.name}.main/apps`
  })
  afterAll(() => f.sim.close())

  it('echoes every binary message back, byte for byte', async () => {
    const dialed = await dial(f.sim.url, `${base}/wsec/`, { 'Coder-Session-Token': member.client.token! })
    if (!('ws' in dialed)) throw new Error(`refused: ${dialed.status} ${dialed.body}`)
    const { ws } = dialed
    const sent = [Buffer.from('hello\n'), Buffer.alloc(1024, 0x61), Buffer.from([0, 1, 2, 255])]
    const received: Buffer[] = []
    const all = new Promise<void>((resolve) =>
      ws.on('message', (data: Buffer, isBinary) => {
        expect(isBinary).toBe(true)
        received.push(data)
        if (received.length === sent.length) resolve()
      }),
    )
    for (const chunk of sent) ws.send(chunk, { binary: true })
    await all
    expect(Buffer.concat(received)).toEqual(Buffer.concat(sent))
    const closed = new Promise((resolve) => ws.once('close', resolve))
    ws.close(1000)
    await closed
  })

  it('takes the session cookie too', async () => {
    const dialed = await dial(f.sim.url, `${base}/wsec/deep/path?x=1`, {
      cookie: `coder_session_token=${member.client.token}`,
    })
    expect('ws' in dialed).toBe(true)
    if ('ws' in dialed) dialed.ws.terminate()
  })

  it('refuses a caller without a valid token with a redirect to the login page', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { 'Coder-Session-Token': 'abcdefghij-0123456789012345678901' },
    ]
    for (const headers of attempts) {
      const { status, headers: h } = refused(await dial(f.sim.url, `${base}/wsec/`, headers))
      expect(status).toBe(307)
      expect(h.location).toMatch(/^\/login\?/)
      expect(new URL(h.location!, f.sim.url).searchParams.get('redirect')).toBe(`${base}/wsec/`)
    }
  })

  it("answers another user's token, even the site owner's, with Coder's 404 app page", async () => {
    for (const token of [other.client.token!, f.owner.token!]) {
      const { status, headers, body } = refused(
        await dial(f.sim.url, `${base}/wsec/`, { 'Coder-Session-Token': token }),
      )
      expect(status).toBe(404)
      expect(headers['content-type']).toMatch(/^text\/html/)
      expect(body).toContain('Application Not Found')
    }
  })

  it("lets a site owner in with coderd's dangerous path-app site-owner access", async () => {
    const open = await startFixture({ jobDurationMs: 20, dangerousAllowPathAppSiteOwnerAccess: true })
    try {
      const user = await createUser(open)
      const stranger = await createUser(open)
      const workspace = await workspaceOf(open, user.client, 'shared-box')
      const path = `/@${user.username}/${workspace.name}.main/apps/wsec/`
      const dialed = await dial(open.sim.url, path, { 'Coder-Session-Token': open.owner.token! })
      expect('ws' in dialed).toBe(true)
      if ('ws' in dialed) dialed.ws.terminate()
      const refusedStranger = refused(
        await dial(open.sim.url, path, { 'Coder-Session-Token': stranger.client.token! }),
      )
      expect(refusedStranger.status).toBe(404)
    } finally {
      await open.sim.close()
    }
  })

  it('answers an unknown app, agent or workspace with 404 and a subdomain app too', async () => {
    const auth = { 'Coder-Session-Token': member.client.token! }
    for (const path of [
      `${base}/nope/`,
      `${base}/sub/`,
      `/@${member.username}/echo-box.other/apps/wsec/`,
      `/@${member.username}/missing.main/apps/wsec/`,
      `/@nobody/echo-box.main/apps/wsec/`,
    ]) {
      const { status, body } = refused(await dial(f.sim.url, path, auth))
      expect([path, status]).toEqual([path, 404])
      expect(body).toContain('Application Not Found')
    }
  })

  it('redirects the slug without its trailing slash, as coderd does', async () => {
    const { status, headers } = refused(
      await dial(f.sim.url, `${base}/wsec`, { 'Coder-Session-Token': member.client.token! }),
    )
    expect(status).toBe(307)
    expect(headers.location).toBe(`${base}/wsec/`)
    const plain = await member.client.call('GET', `${base}/wsec/`)
    expect(plain.status).toBe(400)
  })

  it('answers 502 while the agent is not connected and 400 once the workspace is stopped', async () => {
    const slow = await startFixture({ jobDurationMs: 20, agentConnectDelayMs: 60_000 })
    try {
      const user = await createUser(slow)
      const workspace = await workspaceOf(slow, user.client, 'slow-box', false)
      const path = `/@${user.username}/${workspace.name}.main/apps/wsec/`
      const auth = { 'Coder-Session-Token': user.client.token! }
      const offline = refused(await dial(slow.sim.url, path, auth))
      expect(offline.status).toBe(502)
      expect(offline.body).toContain('Agent state is &quot;connecting&quot;, not &quot;connected&quot;')
      await user.client.ok('POST', `/api/v2/workspaces/${workspace.id}/builds`, { transition: 'stop' })
      const stopped = refused(await dial(slow.sim.url, path, auth))
      expect(stopped.status).toBe(400)
      expect(stopped.body).toContain('Workspace Offline')
    } finally {
      await slow.sim.close()
    }
  })

  it('closes app sockets when the agent goes away', async () => {
    const workspace = await workspaceOf(f, member.client, 'short-lived')
    const dialed = await dial(f.sim.url, `/@${member.username}/${workspace.name}.main/apps/wsec/`, {
      'Coder-Session-Token': member.client.token!,
    })
    if (!('ws' in dialed)) throw new Error(`refused: ${dialed.status}`)
    const closed = new Promise<number>((resolve) => dialed.ws.once('close', (code) => resolve(code)))
    await member.client.ok('POST', `/api/v2/workspaces/${workspace.id}/builds`, { transition: 'stop' })
    expect(await closed).toBe(1001)
  })
})
