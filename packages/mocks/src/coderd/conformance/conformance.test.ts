// Drives the simulator over real HTTP on loopback through every endpoint it serves and checks every
// response body (and every WebSocket frame and SSE event) against Coder's swagger extract with ajv.

import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'

import { type StartedLlmMock, startLlmMock } from '../../llm/start.ts'
import { createCoderdCore } from '../core.ts'
import { startCoderdSimulator } from '../simulator.ts'
import {
  createTemplate,
  createUser,
  type Fixture,
  importVersion,
  type Json,
  OWNER,
  SimClient,
  startFixture,
  terraformTemplate,
  waitFor,
} from '../test/sim-client.ts'
import { AGENT_TEMPLATE, DYNAMIC_PARAMETERS_FILES, EXTERNAL_AGENT_TEMPLATE } from '../test/tar.ts'
import { coverageTable, readmeTable } from './coverage-table.ts'
import { ConformanceValidator } from './validator.ts'

interface Observed {
  endpoint: string
  status: number
  body: unknown
  kind: 'http' | 'sse' | 'ws' | 'upgrade'
}

/** Route patterns the swagger does not document: test control, and chats/AI providers (experimental). */
const UNDOCUMENTED = [
  /^\/healthz$/,
  /^\/__admin\//,
  /^\/api\/experimental\//,
  /^\/api\/v2\/chats/,
  /^\/api\/v2\/ai\//,
  // AI Bridge's provider routes: coderd relays them to aibridged by a catch-all, outside the swagger.
  /^\/api\/v2\/(aibridge|ai-gateway)\/(openai|anthropic)\//,
]

// Served and documented by Coder, but not checked against the extract. Each entry must name a route
// the simulator serves.
const PENDING_EXTRACT = [
  // Coder serves tailnet dRPC here; the simulator a JSON stand-in (see the README), never swagger-shaped.
  'GET /api/v2/tailnet',
]

const shape = (path: string) => path.replace(/\{[^}]+\}|:[^/]+/g, ':')

describe('conformance with Coder swagger', () => {
  const validator = new ConformanceValidator()
  const observed: Observed[] = []
  const frames: { endpoint: string; definition: string; value: unknown }[] = []
  let f: Fixture
  let llm: StartedLlmMock
  let ptyOutput = ''
  let appStatusRequestErrors: string[] = ['not sent']
  let latestAppStatus: unknown
  const parameterFrameIds: Record<string, number[]> = {}

  /** One request, recorded under the swagger endpoint it exercises. */
  async function hit(
    client: SimClient,
    endpoint: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Json> {
    const [method] = endpoint.split(' ')
    const reply = await client.call(method!, path, body, headers)
    observed.push({ endpoint, status: reply.status, body: reply.body, kind: 'http' })
    if (reply.status >= 400) throw new Error(`${endpoint} → ${reply.status} ${JSON.stringify(reply.body)}`)
    return reply.body
  }

  /**
   * Opens a WebSocket and collects frames until `count` arrived or the server closed; `onFrame` may
   * answer on the socket. With an `endpoint` (one swagger documents as 101), the handshake status is
   * recorded under it.
   */
  function wsExchange(
    endpoint: string | undefined,
    path: string,
    token: string,
    count: number,
    onFrame: (frame: Buffer, index: number, socket: WebSocket) => void = () => {},
  ): Promise<Buffer[]> {
    const socket = new WebSocket(`${f.sim.url.replace('http', 'ws')}${path}`, {
      headers: { 'Coder-Session-Token': token },
    })
    if (endpoint)
      socket.once('upgrade', (res) =>
        observed.push({ endpoint, status: res.statusCode!, body: undefined, kind: 'upgrade' }),
      )
    const got: Buffer[] = []
    return new Promise((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        got.push(data)
        onFrame(data, got.length - 1, socket)
        if (got.length === count) socket.close()
      })
      socket.on('close', () => resolve(got))
      socket.once('unexpected-response', (_req, res) => reject(new Error(`${endpoint} → ${res.statusCode}`)))
      socket.on('error', reject)
    })
  }

  /** `count` JSON frames of a stream swagger documents as a 200 body per frame. */
  const wsFrames = (path: string, token: string, count: number): Promise<unknown[]> =>
    wsExchange(undefined, path, token, count).then((got) => got.map((frame) => JSON.parse(String(frame))))

  beforeAll(async () => {
    llm = await startLlmMock({})
    f = await startFixture({
      jobDurationMs: 150,
      provisionerDaemons: 3,
      agentConnectDelayMs: 30,
      agentReadyDelayMs: 30,
      aibridge: { openaiBaseUrl: `${llm.url}/v1` },
    })
    const owner = f.owner
    const org = f.orgId
    const anon = new SimClient(f.sim.url)

    // First user on a fresh deployment (201), then the "already created" check (200).
    const fresh = await startCoderdSimulator({ notifyUserEvents: false })
    try {
      const first = new SimClient(fresh.url)
      await hit(first, 'POST /api/v2/users/first', '/api/v2/users/first', {
        email: 'first@example.com',
        username: 'first',
        password: 'first-password-1',
      })
      await hit(first, 'GET /api/v2/users/first', '/api/v2/users/first')
    } finally {
      await fresh.close()
    }

    // Users, sessions, tokens, organizations.
    await hit(anon, 'GET /api/v2/buildinfo', '/api/v2/buildinfo')
    const login = await hit(anon, 'POST /api/v2/users/login', '/api/v2/users/login', {
      email: OWNER.email,
      password: OWNER.password,
    })
    const second = anon.as(login.session_token)
    const created = await hit(owner, 'POST /api/v2/users', '/api/v2/users', {
      email: 'conform@example.com',
      username: 'conform',
      password: 'conform-password-1',
      organization_ids: [org],
    })
    await hit(owner, 'GET /api/v2/users', '/api/v2/users')
    await hit(owner, 'GET /api/v2/users/{user}', `/api/v2/users/${created.id}`)
    await hit(owner, 'PUT /api/v2/users/{user}/roles', `/api/v2/users/${created.id}/roles`, {
      roles: ['template-admin'],
    })
    await hit(owner, 'GET /api/v2/users/{user}/organizations', '/api/v2/users/me/organizations')
    await hit(owner, 'POST /api/v2/users/{user}/keys/tokens', '/api/v2/users/me/keys/tokens', {
      token_name: 'conformance',
    })
    const tokens = await hit(owner, 'GET /api/v2/users/{user}/keys/tokens', '/api/v2/users/me/keys/tokens')
    await hit(owner, 'DELETE /api/v2/users/{user}/keys/{keyid}', `/api/v2/users/me/keys/${tokens[0].id}`)
    await hit(owner, 'GET /api/v2/organizations', '/api/v2/organizations')
    await hit(owner, 'GET /api/v2/organizations/{organization}', `/api/v2/organizations/${org}`)
    await hit(
      owner,
      'GET /api/v2/organizations/{organization}/members',
      `/api/v2/organizations/${org}/members`,
    )
    await hit(
      owner,
      'PUT /api/v2/organizations/{organization}/members/{user}/roles',
      `/api/v2/organizations/${org}/members/${created.id}/roles`,
      { roles: ['organization-admin'] },
    )

    // Files, template versions, jobs.
    const tar = { 'content-type': 'application/x-tar' }
    const file = await hit(owner, 'POST /api/v2/files', '/api/v2/files', new Uint8Array([1, 2, 3]), tar)
    await hit(owner, 'POST /api/v2/files', '/api/v2/files', new Uint8Array([1, 2, 3]), tar)
    await hit(owner, 'GET /api/v2/files/{fileID}', `/api/v2/files/${file.hash}`)
    const version = await hit(
      owner,
      'POST /api/v2/organizations/{organization}/templateversions',
      `/api/v2/organizations/${org}/templateversions`,
      { storage_method: 'file', provisioner: 'echo', file_id: file.hash, tags: {} },
    )
    const followed = wsFrames(`/api/v2/templateversions/${version.id}/logs?follow=true`, owner.token!, 1_000)
    await hit(
      owner,
      'GET /api/v2/templateversions/{templateversion}',
      `/api/v2/templateversions/${version.id}`,
    )
    await hit(
      owner,
      'GET /api/v2/organizations/{organization}/provisionerjobs/{job}',
      `/api/v2/organizations/${org}/provisionerjobs/${version.job.id}`,
    )
    for (const frame of await followed)
      frames.push({
        endpoint: 'template version logs',
        definition: 'codersdk.ProvisionerJobLog',
        value: frame,
      })
    await hit(
      owner,
      'GET /api/v2/templateversions/{templateversion}/logs',
      `/api/v2/templateversions/${version.id}/logs`,
    )
    for (const tail of ['rich-parameters', 'presets', 'resources', 'external-auth', 'variables'])
      await hit(
        owner,
        `GET /api/v2/templateversions/{templateversion}/${tail}`,
        `/api/v2/templateversions/${version.id}/${tail}`,
      )
    const doomed = await hit(
      owner,
      'POST /api/v2/organizations/{organization}/templateversions',
      `/api/v2/organizations/${org}/templateversions`,
      { storage_method: 'file', provisioner: 'echo', file_id: file.hash, tags: {} },
    )
    await hit(
      owner,
      'PATCH /api/v2/templateversions/{templateversion}/cancel',
      `/api/v2/templateversions/${doomed.id}/cancel`,
    )

    // Templates.
    const ready = await importVersion(owner, org)
    const template = await hit(
      owner,
      'POST /api/v2/organizations/{organization}/templates',
      `/api/v2/organizations/${org}/templates`,
      { name: 'conformance', template_version_id: ready.id },
    )
    await hit(
      owner,
      'GET /api/v2/organizations/{organization}/templates',
      `/api/v2/organizations/${org}/templates`,
    )
    await hit(
      owner,
      'GET /api/v2/organizations/{organization}/templates/{templatename}',
      `/api/v2/organizations/${org}/templates/conformance`,
    )
    await hit(owner, 'GET /api/v2/templates', '/api/v2/templates')
    await hit(owner, 'GET /api/v2/templates/{template}', `/api/v2/templates/${template.id}`)
    await hit(owner, 'PATCH /api/v2/templates/{template}', `/api/v2/templates/${template.id}`, {
      description: 'checked against swagger',
    })
    await hit(owner, 'PATCH /api/v2/templates/{template}', `/api/v2/templates/${template.id}`, {
      description: 'checked against swagger',
    })
    const pushed = await owner.ok('POST', `/api/v2/organizations/${org}/templateversions`, {
      storage_method: 'file',
      provisioner: 'echo',
      file_id: file.hash,
      template_id: template.id,
    })
    const next = await waitFor(async () => {
      const v = await owner.ok('GET', `/api/v2/templateversions/${pushed.id}`)
      return v.job.status === 'succeeded' ? v : undefined
    })
    await hit(
      owner,
      'PATCH /api/v2/templates/{template}/versions',
      `/api/v2/templates/${template.id}/versions`,
      {
        id: next.id,
      },
    )
    await hit(owner, 'GET /api/v2/templates/{template}/versions', `/api/v2/templates/${template.id}/versions`)

    // Workspaces and builds.
    const member = await createUser(f, [], 'conform-member')
    const workspace = await hit(
      member.client,
      'POST /api/v2/organizations/{organization}/members/{user}/workspaces',
      `/api/v2/organizations/${org}/members/me/workspaces`,
      { template_id: template.id, name: 'conform-a' },
    )
    const sse = readSse(`${f.sim.url}/api/v2/workspaces/${workspace.id}/watch`, member.client.token!, 2)
    const watchWs = wsFrames(`/api/v2/workspaces/${workspace.id}/watch-ws`, member.client.token!, 2)
    await hit(member.client, 'POST /api/v2/users/{user}/workspaces', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'conform-b',
    })
    for (const event of await sse)
      observed.push({
        endpoint: 'GET /api/v2/workspaces/{workspace}/watch',
        status: 200,
        body: event,
        kind: 'sse',
      })
    for (const frame of await watchWs)
      observed.push({
        endpoint: 'GET /api/v2/workspaces/{workspace}/watch-ws',
        status: 200,
        body: frame,
        kind: 'ws',
      })
    const running = await waitFor(async () => {
      const w = await member.client.ok('GET', `/api/v2/workspaces/${workspace.id}`)
      return w.latest_build.status === 'running' ? w : undefined
    })
    frames.push({
      endpoint: 'watch-ws data',
      definition: 'codersdk.Workspace',
      value: ((await watchWs)[1] as { data: unknown }).data,
    })
    await hit(member.client, 'GET /api/v2/workspaces', '/api/v2/workspaces')
    await hit(member.client, 'GET /api/v2/workspaces/{workspace}', `/api/v2/workspaces/${workspace.id}`)
    await hit(
      member.client,
      'GET /api/v2/users/{user}/workspace/{workspacename}',
      '/api/v2/users/me/workspace/conform-a',
    )
    await hit(
      member.client,
      'PUT /api/v2/workspaces/{workspace}/autostart',
      `/api/v2/workspaces/${workspace.id}/autostart`,
      {
        schedule: 'CRON_TZ=UTC 30 9 * * 1-5',
      },
    )
    await hit(
      member.client,
      'PUT /api/v2/workspaces/{workspace}/ttl',
      `/api/v2/workspaces/${workspace.id}/ttl`,
      {
        ttl_ms: 3_600_000,
      },
    )
    await hit(member.client, 'GET /api/v2/workspaces/{workspace}', `/api/v2/workspaces/${workspace.id}`)
    await hit(
      member.client,
      'GET /api/v2/workspacebuilds/{workspacebuild}',
      `/api/v2/workspacebuilds/${running.latest_build.id}`,
    )
    await hit(
      member.client,
      'GET /api/v2/users/{user}/workspace/{workspacename}/builds/{buildnumber}',
      '/api/v2/users/me/workspace/conform-a/builds/1',
    )
    await hit(
      member.client,
      'GET /api/v2/workspacebuilds/{workspacebuild}/logs',
      `/api/v2/workspacebuilds/${running.latest_build.id}/logs`,
    )
    const stop = await hit(
      member.client,
      'POST /api/v2/workspaces/{workspace}/builds',
      `/api/v2/workspaces/${workspace.id}/builds`,
      {
        transition: 'stop',
      },
    )
    await hit(
      member.client,
      'GET /api/v2/workspaces/{workspace}/builds',
      `/api/v2/workspaces/${workspace.id}/builds`,
    )
    await hit(
      owner,
      'PATCH /api/v2/workspacebuilds/{workspacebuild}/cancel',
      `/api/v2/workspacebuilds/${stop.id}/cancel`,
    )

    // Workspace agents: a template with an agent (read it, run a command over its PTY) and one with
    // an external agent (its credentials once the build's job has succeeded).
    const withAgent = await terraformTemplate(owner, org, 'conform-agent', { 'main.tf': AGENT_TEMPLATE })
    const withExternal = await terraformTemplate(owner, org, 'conform-external', {
      'main.tf': `${EXTERNAL_AGENT_TEMPLATE}resource "coder_app" "task" {\n  agent_id = coder_agent.ext.id\n  slug     = "task"\n}\n`,
    })
    const agentWorkspace = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: withAgent.template.id,
      name: 'conform-agent',
    })
    const agent = await waitFor(async () => {
      const w = await member.client.ok('GET', `/api/v2/workspaces/${agentWorkspace.id}`)
      const a = w.latest_build.resources[0]?.agents[0]
      return a?.lifecycle_state === 'ready' ? a : undefined
    })
    await hit(
      member.client,
      'GET /api/v2/workspaceagents/{workspaceagent}',
      `/api/v2/workspaceagents/${agent.id}`,
    )
    const pty = await wsExchange(
      'GET /api/v2/workspaceagents/{workspaceagent}/pty',
      `/api/v2/workspaceagents/${agent.id}/pty?reconnect=${randomUUID()}&command=${encodeURIComponent('echo conformance')}`,
      member.client.token!,
      Number.POSITIVE_INFINITY,
    )
    ptyOutput = Buffer.concat(pty).toString('utf8')
    const externalWorkspace = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: withExternal.template.id,
      name: 'conform-external',
    })
    const credentials = `/api/v2/workspaces/${externalWorkspace.id}/external-agent/ext/credentials`
    await waitFor(async () => (await member.client.call('GET', credentials)).status === 200 || undefined)
    const { agent_token } = (await hit(
      member.client,
      'GET /api/v2/workspaces/{workspace}/external-agent/{agent}/credentials',
      credentials,
    )) as { agent_token: string }
    // The agent reports an app status with its own token (the body the Go client sends); the
    // workspace then carries it as latest_app_status.
    const appStatus = {
      app_slug: 'task',
      state: 'working',
      message: 'conforming',
      uri: '',
      icon: '',
      needs_user_attention: false,
    }
    appStatusRequestErrors = validator.checkDefinition('agentsdk.PatchAppStatus', appStatus)
    await hit(
      member.client.as(agent_token),
      'PATCH /api/v2/workspaceagents/me/app-status',
      '/api/v2/workspaceagents/me/app-status',
      appStatus,
    )
    const reported = await hit(
      member.client,
      'GET /api/v2/workspaces/{workspace}',
      `/api/v2/workspaces/${externalWorkspace.id}`,
    )
    latestAppStatus = (reported as { latest_app_status: unknown }).latest_app_status

    // Dynamic parameters of the scale test's template: evaluate once, then both streams, each
    // answering a request after the form it sends unprompted.
    const parameters = await terraformTemplate(owner, org, 'conform-parameters', DYNAMIC_PARAMETERS_FILES)
    await hit(
      owner,
      'POST /api/v2/templateversions/{templateversion}/dynamic-parameters/evaluate',
      `/api/v2/templateversions/${parameters.version.id}/dynamic-parameters/evaluate`,
      { id: 0, inputs: { zero: 'B' } },
    )
    for (const [endpoint, path] of [
      [
        'GET /api/v2/templateversions/{templateversion}/dynamic-parameters',
        `/api/v2/templateversions/${parameters.version.id}/dynamic-parameters`,
      ],
      [
        'GET /api/v2/users/{user}/templateversions/{templateversion}/parameters',
        `/api/v2/users/me/templateversions/${parameters.version.id}/parameters`,
      ],
    ] as const) {
      const got = await wsExchange(endpoint, path, owner.token!, 2, (_frame, index, socket) => {
        if (index === 0) socket.send(JSON.stringify({ id: 1, inputs: { zero: 'B', One: '["BA"]' } }))
      })
      parameterFrameIds[endpoint] = []
      for (const frame of got) {
        const value = JSON.parse(String(frame))
        parameterFrameIds[endpoint].push(value.id)
        frames.push({ endpoint, definition: 'codersdk.DynamicParametersResponse', value })
      }
    }

    // Prebuilds settings (a no-op update is 304), experiments.
    await hit(owner, 'GET /api/v2/prebuilds/settings', '/api/v2/prebuilds/settings')
    for (const paused of [true, true, false])
      await hit(owner, 'PUT /api/v2/prebuilds/settings', '/api/v2/prebuilds/settings', {
        reconciliation_paused: paused,
      })
    await hit(member.client, 'GET /api/v2/experiments', '/api/v2/experiments')
    await hit(member.client, 'GET /api/v2/experiments/available', '/api/v2/experiments/available')

    // AI Bridge: one chat completion with a tool call through the bridge, then the interception list.
    const completion = await fetch(`${f.sim.url}/api/v2/aibridge/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.client.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4',
        messages: [
          {
            role: 'user',
            content: `<scaletest-control>${JSON.stringify({ tool_calls_this_turn: 1, command: 'echo bridged', tool: 'execute' })}</scaletest-control>\nRun it.`,
          },
        ],
        tools: [
          { type: 'function', function: { name: 'execute', parameters: { type: 'object', properties: {} } } },
        ],
      }),
    })
    expect(completion.status).toBe(200)
    await completion.text()
    await hit(member.client, 'GET /api/v2/aibridge/interceptions', '/api/v2/aibridge/interceptions')

    // Notifications: the test notification lands in the owner's inbox and on its watch socket.
    const inboxFrame = wsFrames('/api/v2/notifications/inbox/watch', owner.token!, 1)
    await new Promise((r) => setTimeout(r, 100))
    await hit(owner, 'POST /api/v2/notifications/test', '/api/v2/notifications/test')
    for (const frame of await inboxFrame)
      observed.push({
        endpoint: 'GET /api/v2/notifications/inbox/watch',
        status: 200,
        body: frame,
        kind: 'ws',
      })
    const inbox = await hit(owner, 'GET /api/v2/notifications/inbox', '/api/v2/notifications/inbox')
    await hit(
      owner,
      'PUT /api/v2/notifications/inbox/{id}/read-status',
      `/api/v2/notifications/inbox/${inbox.notifications[0].id}/read-status`,
      { is_read: true },
    )
    await hit(
      owner,
      'PUT /api/v2/notifications/inbox/mark-all-as-read',
      '/api/v2/notifications/inbox/mark-all-as-read',
    )
    await hit(owner, 'GET /api/v2/notifications/templates/system', '/api/v2/notifications/templates/system')
    await hit(owner, 'GET /api/v2/notifications/dispatch-methods', '/api/v2/notifications/dispatch-methods')
    await hit(owner, 'GET /api/v2/notifications/settings', '/api/v2/notifications/settings')
    await hit(owner, 'PUT /api/v2/notifications/settings', '/api/v2/notifications/settings', {
      notifier_paused: false,
    })
    const prefs = await hit(
      owner,
      'GET /api/v2/users/{user}/notifications/preferences',
      '/api/v2/users/me/notifications/preferences',
    )
    const templates = await owner.ok('GET', '/api/v2/notifications/templates/system')
    await hit(
      owner,
      'PUT /api/v2/users/{user}/notifications/preferences',
      '/api/v2/users/me/notifications/preferences',
      {
        template_disabled_map: { [templates[0].id]: prefs.length === 0 },
      },
    )

    // Deletes and logout last.
    const spare = await createTemplate(owner, org, 'conformance-spare')
    await hit(owner, 'DELETE /api/v2/templates/{template}', `/api/v2/templates/${spare.id}`)
    await hit(owner, 'DELETE /api/v2/users/{user}', `/api/v2/users/${created.id}`)
    await hit(second, 'POST /api/v2/users/logout', '/api/v2/users/logout')
  }, 60_000)

  afterAll(async () => {
    await f?.sim.close()
    await llm?.close()
  })

  it('exercises every endpoint in the extract, each with a documented status', () => {
    const exercised = new Set(observed.map((o) => o.endpoint))
    expect([...exercised].sort()).toEqual([...validator.endpoints].sort())
    const undocumented = observed
      .filter((o) => !validator.check(o.endpoint, o.status, o.body).statusKnown)
      .map((o) => `${o.endpoint} → ${o.status}`)
    expect(undocumented).toEqual([])
    // Every status the overrides add was actually answered (304 no-op PATCH, 201 creates, 200 de-dup).
    expect(
      observed.filter((o) => o.endpoint === 'PATCH /api/v2/templates/{template}').map((o) => o.status),
    ).toEqual([200, 304])
    expect(observed.filter((o) => o.endpoint === 'POST /api/v2/files').map((o) => o.status)).toEqual([
      201, 200,
    ])
    expect(
      observed.filter((o) => o.endpoint === 'PUT /api/v2/prebuilds/settings').map((o) => o.status),
    ).toEqual([200, 304, 200])
  })

  it('WebSocket routes upgrade with 101: the PTY streams raw output, dynamic parameters answer by id', () => {
    const upgrades = observed.filter((o) => o.kind === 'upgrade')
    expect(upgrades.map((o) => `${o.endpoint} ${o.status}`).sort()).toEqual([
      'GET /api/v2/templateversions/{templateversion}/dynamic-parameters 101',
      'GET /api/v2/users/{user}/templateversions/{templateversion}/parameters 101',
      'GET /api/v2/workspaceagents/{workspaceagent}/pty 101',
    ])
    // The PTY carries terminal bytes, not JSON: the command's output, CRLF as a terminal writes it.
    expect(ptyOutput).toBe('conformance\r\n')
    expect(parameterFrameIds).toEqual({
      'GET /api/v2/templateversions/{templateversion}/dynamic-parameters': [-1, 1],
      'GET /api/v2/users/{user}/templateversions/{templateversion}/parameters': [-1, 1],
    })
  })

  it('every response body, WebSocket frame and SSE event matches the swagger schemas', () => {
    const failures = observed
      .map((o) => ({ o, errors: validator.check(o.endpoint, o.status, o.body).errors }))
      .filter(({ errors }) => errors.length > 0)
      .map(({ o, errors }) => `${o.endpoint} ${o.status}: ${errors.join('; ')}`)
    const frameFailures = frames
      .map((fr) => ({ fr, errors: validator.checkDefinition(fr.definition, fr.value) }))
      .filter(({ errors }) => errors.length > 0)
      .map(({ fr, errors }) => `${fr.endpoint} (${fr.definition}): ${errors.join('; ')}`)
    const count = (kind: Observed['kind']) => observed.filter((o) => o.kind === kind).length
    console.log(
      `conformance: ${validator.endpoints.length} endpoints; ${count('http')} HTTP responses, ${count('sse')} SSE events, ${count('ws') + frames.length} WebSocket frames, ${count('upgrade')} WebSocket handshakes checked against coder/coder@${validator.extract.source.commit.slice(0, 12)}`,
    )
    expect([...failures, ...frameFailures]).toEqual([])
    expect(observed.length).toBeGreaterThan(validator.endpoints.length)
    expect(frames.length).toBeGreaterThanOrEqual(2)
  })

  it('catches a response that loses a field or changes a type, and allows added fields', () => {
    const workspace = observed.find((o) => o.endpoint === 'GET /api/v2/workspaces/{workspace}')!.body as Json
    const ok = validator.check('GET /api/v2/workspaces/{workspace}', 200, { ...workspace, added_later: 1 })
    expect(ok.errors).toEqual([])

    const { owner_name: _, ...lost } = workspace
    expect(validator.check('GET /api/v2/workspaces/{workspace}', 200, lost).errors).toEqual([
      "/ must have required property 'owner_name'",
    ])
    const retyped = { ...workspace, latest_build: { ...workspace.latest_build, build_number: '1' } }
    expect(validator.check('GET /api/v2/workspaces/{workspace}', 200, retyped).errors).toContain(
      '/latest_build/build_number must be integer',
    )
    const nested = structuredClone(workspace)
    delete nested.latest_build.job.initiator_id
    expect(validator.check('GET /api/v2/workspaces/{workspace}', 200, nested).errors).toEqual([
      "/latest_build/job must have required property 'initiator_id'",
    ])
    expect(validator.check('POST /api/v2/users/login', 201, { session_token: 42 }).errors).toEqual([
      '/session_token must be string',
    ])
    // An agent that stops sending a slice Go always sends (codersdk.WorkspaceAgent has no omitempty
    // on scripts), or sends an omitempty field empty, and an experiment name Coder does not have.
    const agent = observed.find((o) => o.endpoint === 'GET /api/v2/workspaceagents/{workspaceagent}')!
      .body as Json
    const { scripts: __, ...noScripts } = agent
    expect(validator.check('GET /api/v2/workspaceagents/{workspaceagent}', 200, noScripts).errors).toEqual([
      "/ must have required property 'scripts'",
    ])
    // An omitempty field sent empty: Go would have left `directory: ""` out.
    expect(
      validator.check('GET /api/v2/workspaceagents/{workspaceagent}', 200, { ...agent, directory: '' })
        .errors,
    ).toEqual(['/directory must NOT be valid'])
    expect(validator.check('GET /api/v2/experiments', 200, ['no-such-experiment']).errors).toEqual([
      '/0 must be equal to one of the allowed values',
    ])
  })

  it('sends the app-status report as the Go client does and shows it on the workspace', () => {
    expect(appStatusRequestErrors).toEqual([])
    expect(latestAppStatus).toMatchObject({ state: 'working', message: 'conforming' })
    expect(validator.checkDefinition('codersdk.WorkspaceAppStatus', latestAppStatus)).toEqual([])
  })

  it('carries the bodies of PATCH /workspaceagents/me/app-status', () => {
    const status = { app_slug: 'claude', state: 'working', message: 'thinking', uri: '' }
    expect(validator.checkDefinition('agentsdk.PatchAppStatus', status)).toEqual([])
    expect(validator.checkDefinition('agentsdk.PatchAppStatus', { ...status, state: 'busy' })).toEqual([
      '/state must be equal to one of the allowed values',
    ])
    expect(validator.checkDefinition('codersdk.Response', { message: 'ok' })).toEqual([])
    expect(validator.checkDefinition('codersdk.WorkspaceAppStatus', {})).toContain(
      "/ must have required property 'state'",
    )
  })

  it('the README coverage table lists exactly the extract endpoints, as generated and Biome-formatted', () => {
    const table = readmeTable()
    expect(table, 'README lacks the coverage markers').toBeDefined()
    const listed = [...table!.matchAll(/^\| `([A-Z]+ [^`]+)`/gm)].map((m) => m[1])
    expect(listed.sort()).toEqual([...validator.endpoints].sort())
    // Exactly as generated: the generator pads the table as Biome does, so `biome check` keeps it.
    expect(table).toBe(coverageTable(validator.extract))
  })

  it('the simulator routes and the extract name the same endpoints', () => {
    const core = createCoderdCore({})
    try {
      const routes = core
        .routes()
        .filter((r) => !UNDOCUMENTED.some((re) => re.test(r.pattern)))
        .map((r) => `${r.method} ${shape(r.pattern)}`)
      for (const pending of PENDING_EXTRACT)
        expect(routes, 'PENDING_EXTRACT names a served route').toContain(pending)
      const checked = routes.filter((r) => !PENDING_EXTRACT.includes(r))
      const extracted = validator.endpoints.map((key) => {
        const [method, path] = key.split(' ')
        return `${method} ${shape(path!)}`
      })
      expect([...new Set(checked)].sort()).toEqual([...new Set(extracted)].sort())
    } finally {
      core.close()
    }
  })
})

/** Reads `count` `data` events from an SSE stream (pings skipped), then aborts. */
async function readSse(url: string, token: string, count: number): Promise<unknown[]> {
  const controller = new AbortController()
  const res = await fetch(url, { headers: { 'Coder-Session-Token': token }, signal: controller.signal })
  const events: unknown[] = []
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk, { stream: true })
      let end = buffer.indexOf('\n\n')
      while (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block.split('\n').find((line) => line.startsWith('data: '))
        if (block.includes('event: data') && data) events.push(JSON.parse(data.slice(6)))
        if (events.length === count) return events
        end = buffer.indexOf('\n\n')
      }
    }
  } finally {
    controller.abort()
  }
  return events
}
