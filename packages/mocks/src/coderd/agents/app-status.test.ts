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

const TASK_TEMPLATE = `
resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
resource "coder_external_agent" "main" {
  agent_id = coder_agent.main.id
}
resource "coder_app" "ai" {
  agent_id = coder_agent.main.id
  slug     = "ai-agent"
}
`

/** Reads an SSE workspace watch in the background; `data` holds every workspace sent. */
function watchSse(client: SimClient, workspaceId: string) {
  const controller = new AbortController()
  const data: Json[] = []
  const done = (async () => {
    const response = await fetch(`${client.url}/api/v2/workspaces/${workspaceId}/watch`, {
      headers: { 'Coder-Session-Token': client.token! },
      signal: controller.signal,
    })
    let buffer = ''
    for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
      buffer += chunk
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const line = /^data: (.*)$/m.exec(block)?.[1]
        if (/^event: data/m.test(block) && line) data.push(JSON.parse(line))
      }
    }
  })().catch(() => {})
  const close = () => {
    controller.abort()
    return done
  }
  return { data, close }
}

const messages = (sent: Json[]) => sent.map((w) => w.latest_app_status?.message ?? null)

describe('agent app status', () => {
  let f: Fixture
  let member: Awaited<ReturnType<typeof createUser>>
  let workspace: Json
  let agentToken: string
  let agent: SimClient
  const closers: Array<() => unknown> = []

  beforeAll(async () => {
    f = await startFixture()
    member = await createUser(f)
    const { template } = await terraformTemplate(f.owner, f.orgId, 'tasks', { 'main.tf': TASK_TEMPLATE })
    workspace = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'task',
    })
    agentToken = await waitFor(async () => {
      const reply = await member.client.call(
        'GET',
        `/api/v2/workspaces/${workspace.id}/external-agent/main/credentials`,
      )
      return reply.status === 200 ? (reply.body.agent_token as string) : undefined
    })
    agent = member.client.as(agentToken)
  })
  afterAll(async () => {
    for (const close of closers) await close()
    await f.sim.close()
  })

  const patch = (client: SimClient, body: Json) =>
    client.call('PATCH', '/api/v2/workspaceagents/me/app-status', body)
  const report = (message: string, extra: Json = {}) => ({
    app_slug: 'ai-agent',
    state: 'working',
    message,
    uri: 'https://example.com/example-status/',
    icon: '',
    needs_user_attention: false,
    ...extra,
  })

  it('takes agent tokens only, with Coder’s 401 bodies for a user token, none, and an unknown agent', async () => {
    const asUser = await patch(member.client, report('from a user'))
    expect(asUser.status).toBe(401)
    expect(asUser.body).toEqual({
      message: 'Workspace agent token invalid.',
      detail: `An agent token must be a valid UUIDv4. (len ${member.client.token!.length})`,
    })
    const anonymous = await patch(member.client.as(undefined as unknown as string), report('anonymous'))
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.message).toBe('Cookie "coder_session_token" must be provided.')
    const unknown = await patch(member.client.as('7c9e6679-7425-40de-944b-e07fc1f90ae7'), report('stranger'))
    expect(unknown.status).toBe(401)
    expect(unknown.body.message).toBe('Workspace agent not authorized.')
    expect((await member.client.ok('GET', `/api/v2/workspaces/${workspace.id}`)).latest_app_status).toBeNull()
  })

  it('answers a bad state, a long message, an unknown slug and bad JSON with 400 and Coder’s error shape', async () => {
    const state = await patch(agent, report('x', { state: 'sleeping' }))
    expect(state.status).toBe(400)
    expect(state.body).toEqual({
      message: 'Invalid state provided.',
      detail: 'invalid state: "sleeping"',
      validations: [{ field: 'state', detail: 'State must be one of: complete, failure, working, idle.' }],
    })
    // 160 bytes pass; 161 do not (Coder counts bytes: 54 three-byte runes are 162).
    expect((await patch(agent, report('a'.repeat(160)))).status).toBe(200)
    for (const message of ['a'.repeat(161), '€'.repeat(54)]) {
      const long = await patch(agent, report(message))
      expect(long.status).toBe(400)
      expect(long.body).toMatchObject({
        message: 'Message is too long.',
        validations: [{ field: 'message', detail: 'Message must be less than 160 characters.' }],
      })
    }
    const slug = await patch(agent, report('x', { app_slug: 'nope' }))
    expect(slug.status).toBe(400)
    expect(slug.body).toEqual({
      message: 'Failed to get workspace app.',
      detail: 'No app found with slug "nope"',
    })
    const json = await agent.call('PATCH', '/api/v2/workspaceagents/me/app-status', '{not json', {
      'content-type': 'application/json',
    })
    expect(json.status).toBe(400)
    expect(json.body.message).toBe('Request body must be valid JSON.')
    const types = await patch(agent, report('x', { needs_user_attention: 'yes' }))
    expect(types.status).toBe(400)
    expect(types.body.validations[0].field).toBe('needs_user_attention')
  })

  it('shows the status on the workspace, on the app newest first, and on the SSE and websocket watches', async () => {
    const sse = watchSse(member.client, workspace.id)
    closers.push(sse.close)
    const frames: Json[] = []
    const socket = new WebSocket(
      `${f.sim.url.replace('http', 'ws')}/api/v2/workspaces/${workspace.id}/watch-ws`,
      {
        headers: { 'Coder-Session-Token': member.client.token! },
      },
    )
    closers.push(() => socket.terminate())
    socket.on('message', (data) => frames.push(JSON.parse(String(data))))
    await waitFor(() => (sse.data.length > 0 && frames.some((m) => m.type === 'data')) || undefined)

    expect((await patch(agent, report('scaletest status update:0'))).status).toBe(200)
    expect((await patch(agent, report('scaletest status update:1', { state: 'idle' }))).status).toBe(200)
    await waitFor(() => messages(sse.data).includes('scaletest status update:1') || undefined)
    await waitFor(
      () =>
        frames.some((m) => m.data?.latest_app_status?.message === 'scaletest status update:1') || undefined,
    )
    // A publication per report, each carrying the workspace as it was then, in order (other
    // workspace events, such as the agent's, publish it again with the status it has by then).
    const seen = messages(sse.data).filter((m) => m?.startsWith('scaletest'))
    expect(seen.filter((m, i) => m !== seen[i - 1])).toEqual([
      'scaletest status update:0',
      'scaletest status update:1',
    ])

    const current = await member.client.ok('GET', `/api/v2/workspaces/${workspace.id}`)
    const agentJson = current.latest_build.resources
      .flatMap((r: Json) => r.agents ?? [])
      .find((a: Json) => a.name === 'main')
    const app = agentJson.apps.find((a: Json) => a.slug === 'ai-agent')
    expect(current.latest_app_status).toEqual({
      id: expect.any(String),
      created_at: expect.any(String),
      workspace_id: workspace.id,
      agent_id: agentJson.id,
      app_id: app.id,
      state: 'idle',
      needs_user_attention: false,
      message: 'scaletest status update:1',
      uri: 'https://example.com/example-status/',
      icon: '',
    })
    expect(app.statuses.map((s: Json) => s.message).slice(0, 2)).toEqual([
      'scaletest status update:1',
      'scaletest status update:0',
    ])
    expect(app.statuses[0]).toEqual(current.latest_app_status)
  })

  it('drops or delays the publication on request, never the stored status', async () => {
    const sse = watchSse(member.client, workspace.id)
    closers.push(sse.close)
    await waitFor(() => sse.data.length > 0 || undefined)
    await f.owner.ok('POST', '/__admin/event-faults', { app_status_drop: true })
    expect((await patch(agent, report('dropped'))).status).toBe(200)
    expect(
      (await member.client.ok('GET', `/api/v2/workspaces/${workspace.id}`)).latest_app_status.message,
    ).toBe('dropped')
    await new Promise((r) => setTimeout(r, 300))
    expect(messages(sse.data)).not.toContain('dropped')

    await f.owner.ok('POST', '/__admin/event-faults', { app_status_delay_ms: 400 })
    const sent = Date.now()
    expect((await patch(agent, report('delayed'))).status).toBe(200)
    await waitFor(() => messages(sse.data).includes('delayed') || undefined)
    expect(Date.now() - sent).toBeGreaterThanOrEqual(350)
    expect(await f.owner.ok('POST', '/__admin/event-faults', {})).toMatchObject({
      app_status_delay_ms: 0,
      app_status_drop: false,
    })
  })
})
