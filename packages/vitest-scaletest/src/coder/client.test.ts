import { inspect } from 'node:util'

import { HttpResponse, http } from 'msw'
import { Agent, Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CoderClient } from './client.ts'
import {
  CoderApiError,
  CoderJobError,
  CoderRequestError,
  CoderResponseShapeError,
  CoderTimeoutError,
} from './errors.ts'
import { serveMsw } from './msw-test-server.ts'
import { sampleBuild, sampleTemplate, sampleTemplateVersion, sampleUser } from './sample-responses.ts'

const TOKEN = 'AbCdEf0123-secretsessiontoken456'
const user = sampleUser()
const template = sampleTemplate()
const versions = {
  pendingNoDaemon: sampleTemplateVersion('pending', 0),
  failed: sampleTemplateVersion('failed'),
  running: sampleTemplateVersion('running'),
}
let buildPolls = 0

const handlers = [
  http.get('*/api/v2/buildinfo', () =>
    HttpResponse.json({
      external_url: 'http://127.0.0.1',
      version: 'v2.99.0',
      dashboard_url: 'http://127.0.0.1',
      telemetry: false,
      workspace_proxy: false,
      agent_api_version: '2.0',
      provisioner_api_version: '1.0',
      upgrade_message: '',
      deployment_id: 'abc',
    }),
  ),
  http.get('*/api/v2/users/first', () =>
    HttpResponse.json({ message: 'The initial user has not been created!' }, { status: 404 }),
  ),
  http.post('*/api/v2/users/login', () =>
    HttpResponse.json({ session_token: 'fresh-token' }, { status: 201 }),
  ),
  http.get('*/api/v2/users/me', ({ request }) =>
    request.headers.get('coder-session-token')
      ? HttpResponse.json(user)
      : HttpResponse.json(
          { message: 'You are signed out or your session has expired. Please sign in again to continue.' },
          { status: 401 },
        ),
  ),
  http.get('*/api/v2/users/drifted', () => HttpResponse.json({ ...user, id: 7, roles: [{ name: 1 }] })),
  http.post('*/api/v2/users', () =>
    HttpResponse.json(
      {
        message: 'User already exists.',
        detail: `token ${TOKEN} echoed by a careless proxy`,
        validations: [{ field: 'username', detail: 'taken' }],
      },
      { status: 409 },
    ),
  ),
  http.delete('*/api/v2/users/:id', () => new HttpResponse('plain text 428 body', { status: 428 })),
  http.post('*/api/v2/files', async ({ request }) => {
    const body = new Uint8Array(await request.arrayBuffer())
    const ok = request.headers.get('content-type') === 'application/x-tar' && body.length === 1024
    return HttpResponse.json(
      ok ? { hash: '0b7c8b1e-2b0e-4c43-9a3e-d5a4b0e1e3f2' } : { message: 'bad upload' },
      { status: ok ? 201 : 400 },
    )
  }),
  http.patch('*/api/v2/templates/:id', () => new HttpResponse(null, { status: 304 })),
  http.get('*/api/v2/templates/:id', () => HttpResponse.json(template)),
  http.get('*/api/v2/templateversions/:id', ({ params }) => {
    const found = Object.values(versions).find((v) => v.id === params.id)
    return found ? HttpResponse.json(found) : HttpResponse.json({ message: 'not found' }, { status: 404 })
  }),
  http.get('*/api/v2/workspacebuilds/:id', () => {
    buildPolls += 1
    return HttpResponse.json(
      buildPolls < 3 ? sampleBuild('starting', 'running') : sampleBuild('running', 'succeeded'),
    )
  }),
  http.get('*/api/v2/users/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    return HttpResponse.json({})
  }),
]

let server: Awaited<ReturnType<typeof serveMsw>>
let client: CoderClient

beforeAll(async () => {
  server = await serveMsw(handlers)
  client = new CoderClient({ url: server.url, sessionToken: TOKEN, timeoutMs: 5_000 })
})
afterAll(() => server.close())

describe('CoderClient transport', () => {
  it('sends the session token in Coder-Session-Token and not on anonymous calls', async () => {
    await client.me()
    await client.buildInfo()
    const me = server.requests.findLast((r) => r.path === '/api/v2/users/me')
    const info = server.requests.findLast((r) => r.path === '/api/v2/buildinfo')
    expect(me?.headers['coder-session-token']).toBe(TOKEN)
    expect(info?.headers['coder-session-token']).toBeUndefined()
  })

  it('adds the rate-limit bypass and extra headers to every request, derived clients included', async () => {
    const base = new CoderClient({
      url: `${server.url}/`,
      sessionToken: TOKEN,
      bypassRateLimit: true,
      headers: { 'user-agent': 'scaletest/1' },
    })
    await base.withSessionToken('derived-token').me()
    const seen = server.requests.at(-1)
    expect(seen?.headers['x-coder-bypass-ratelimit']).toBe('true')
    expect(seen?.headers['user-agent']).toBe('scaletest/1')
    expect(seen?.headers['coder-session-token']).toBe('derived-token')
  })

  it('turns Coder error bodies into CoderApiError with status, message, detail and validations', async () => {
    const error = await client
      .createUser({ email: 'a@b.c', username: 'a', password: 'x', organization_ids: [] })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CoderApiError)
    const apiError = error as CoderApiError
    expect(apiError.status).toBe(409)
    expect(apiError.apiMessage).toBe('User already exists.')
    expect(apiError.validation('username')).toBe('taken')
    expect(apiError.message).toMatch(/^POST \/api\/v2\/users: 409 User already exists\./)
    expect(apiError.detail).toContain('[redacted]')
    expect(`${apiError.message} ${apiError.stack} ${apiError.detail}`).not.toContain(TOKEN)
  })

  it('keeps a non-JSON error body as the message', async () => {
    const error = (await client.deleteUser('someone').catch((e: unknown) => e)) as CoderApiError
    expect(error.status).toBe(428)
    expect(error.apiMessage).toBe('plain text 428 body')
  })

  it('answers 401 without a token', async () => {
    const anonymous = new CoderClient({ url: server.url })
    const error = (await anonymous.me().catch((e: unknown) => e)) as CoderApiError
    expect(error).toBeInstanceOf(CoderApiError)
    expect(error.status).toBe(401)
  })

  it('names the endpoint and the fields of a drifted response', async () => {
    const error = (await client.user('drifted').catch((e: unknown) => e)) as CoderResponseShapeError
    expect(error).toBeInstanceOf(CoderResponseShapeError)
    expect(error.endpoint).toBe('GET /api/v2/users/drifted')
    expect(error.fields).toEqual(expect.arrayContaining(['id', 'roles.0.name', 'roles.0.display_name']))
    expect(error.message).toContain('GET /api/v2/users/drifted')
    expect(error.message).toContain('field "id"')
  })

  it('maps hasFirstUser 404 to false and uploads raw tar bytes', async () => {
    expect(await client.hasFirstUser()).toBe(false)
    const { hash } = await client.uploadFile(new Uint8Array(1024))
    expect(hash).toBe('0b7c8b1e-2b0e-4c43-9a3e-d5a4b0e1e3f2')
  })

  it('returns the current template when PATCH answers 304', async () => {
    expect((await client.updateTemplate(template.id, { description: 'same' })).id).toBe(template.id)
  })

  it('reports transport failures without the token', async () => {
    const dead = new CoderClient({ url: 'http://127.0.0.1:9', sessionToken: TOKEN })
    const error = (await dead.me().catch((e: unknown) => e)) as CoderRequestError
    expect(error).toBeInstanceOf(CoderRequestError)
    expect(error.message).toMatch(/^GET \/api\/v2\/users\/me: request failed/)
    expect(error.message).not.toContain(TOKEN)
  })

  it('times out a slow request', async () => {
    const impatient = new CoderClient({ url: server.url, sessionToken: TOKEN, timeoutMs: 100 })
    const error = await impatient.user('slow').catch((e) => e)
    expect(error).toBeInstanceOf(CoderRequestError)
  })

  it('never shows the token in inspect() or JSON', () => {
    expect(inspect(client, { showHidden: true, depth: 5 })).not.toContain(TOKEN)
    expect(JSON.stringify(client)).not.toContain(TOKEN)
    expect(inspect(client)).toContain('[redacted]')
  })
})

describe('CoderClient derived clients', () => {
  it('shares the dispatcher by default, isolates on request and closes only what it owns', async () => {
    const agent = new Agent()
    const base = new CoderClient({ url: server.url, sessionToken: TOKEN, dispatcher: agent })
    const shared = base.withSessionToken('other')
    const isolated = base.withSessionToken('other', { dispatcher: 'isolated' })
    expect(shared.dispatcher).toBe(agent)
    expect(isolated.dispatcher).not.toBe(agent)
    await isolated.me()
    await isolated.close()
    await shared.close()
    expect((isolated.dispatcher as Agent).closed).toBe(true)
    expect(agent.closed).toBe(false)
    const loggedIn = await base.loginAs({ email: 'a@b.c', password: 'pw' })
    await loggedIn.me()
    expect(server.requests.at(-1)?.headers['coder-session-token']).toBe('fresh-token')
    await agent.close()
  })
})

describe('CoderClient with a caller-owned pool', () => {
  it('sends every request through the given undici Pool', async () => {
    const pool = new Pool(server.url, { connections: 1 })
    let dispatched = 0
    const counting = pool.compose((dispatch) => (opts, handler) => {
      dispatched += 1
      return dispatch(opts, handler)
    })
    const pooled = new CoderClient({ url: server.url, sessionToken: TOKEN, dispatcher: counting })
    await Promise.all([pooled.me(), pooled.me(), pooled.withSessionToken('x').me()])
    expect(dispatched).toBe(3)
    await pool.close()
  })
})

describe('CoderClient waits', () => {
  it('fails at once when no provisioner matches a pending version', async () => {
    const error = await client.waitForTemplateVersionJob(versions.pendingNoDaemon.id).catch((e) => e)
    expect(error).toBeInstanceOf(CoderJobError)
    expect((error as Error).message).toContain('no provisioner daemon matches its tags')
  })

  it('throws CoderJobError with the job error when the import failed', async () => {
    const error = (await client
      .waitForTemplateVersionJob(versions.failed.id)
      .catch((e) => e)) as CoderJobError
    expect(error.status).toBe('failed')
    expect(error.jobError).toBe('terraform apply: boom')
  })

  it('times out while the job stays running', async () => {
    const wait = client.waitForTemplateVersionJob(versions.running.id, { intervalMs: 20, timeoutMs: 150 })
    await expect(wait).rejects.toBeInstanceOf(CoderTimeoutError)
  })

  it('polls a build until its job ends', async () => {
    const build = await client.waitForBuild('0b7c8b1e-2b0e-4c43-9a3e-d5a4b0e1e3f2', { intervalMs: 10 })
    expect(build.status).toBe('running')
    expect(buildPolls).toBe(3)
  })
})
