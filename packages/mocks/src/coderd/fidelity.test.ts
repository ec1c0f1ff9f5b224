// The differences from coderd the swagger check found (issue 21), one test each.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  createTemplate,
  createUser,
  type Fixture,
  type Json,
  OWNER,
  SimClient,
  startFixture,
} from './test/sim-client.ts'

describe('fidelity with coderd', () => {
  let f: Fixture
  let template: Json
  beforeAll(async () => {
    f = await startFixture({ jobDurationMs: 50 })
    template = await createTemplate(f.owner, f.orgId, 'fidelity')
  })
  afterAll(() => f.sim.close())

  it('logout deletes only the key it was called with (coderd/userauth.go postLogout)', async () => {
    const anon = new SimClient(f.sim.url)
    const login = () =>
      anon.ok('POST', '/api/v2/users/login', { email: OWNER.email, password: OWNER.password })
    const first = anon.as((await login()).session_token)
    const second = anon.as((await login()).session_token)
    const out = await first.call('POST', '/api/v2/users/logout')
    expect(out.status).toBe(200)
    expect(out.headers.get('set-cookie')).toMatch(/^coder_session_token=; Path=\/; Max-Age=0/)
    expect((await first.call('GET', '/api/v2/users/me')).status).toBe(401)
    expect((await second.call('GET', '/api/v2/users/me')).status).toBe(200)
    expect((await f.owner.call('GET', '/api/v2/users/me')).status).toBe(200)
  })

  it('provisioner jobs name their initiator: the version author, the build initiator', async () => {
    const version = await f.owner.ok('GET', `/api/v2/templateversions/${template.active_version_id}`)
    expect(version.job.initiator_id).toBe(f.ownerId)
    const job = await f.owner.ok('GET', `/api/v2/organizations/${f.orgId}/provisionerjobs/${version.job.id}`)
    expect(job.initiator_id).toBe(f.ownerId)
    const member = await createUser(f)
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'fidelity-ws',
    })
    expect(ws.latest_build.job.initiator_id).toBe(member.id)
  })

  it('builds send deadline and max_deadline as null when unset; workspaces send shared_with and task_id', async () => {
    const member = await createUser(f)
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'fidelity-deadline',
    })
    expect(ws.latest_build).toHaveProperty('deadline', null)
    expect(ws.latest_build).toHaveProperty('max_deadline', null)
    expect(ws.shared_with).toEqual([])
    expect(ws).toHaveProperty('task_id', null)
    const build = await member.client.ok('GET', `/api/v2/workspacebuilds/${ws.latest_build.id}`)
    expect(build).toMatchObject({ deadline: null, max_deadline: null })
  })

  it('template versions name their author in created_by.name; template stats use p50/p95', async () => {
    const named = await createUser(f, ['template-admin'], 'named-author')
    f.sim.state.users.get(named.id)!.name = 'Named Author' // direct seeding: the simulator has no profile route
    const t = await createTemplate(named.client, f.orgId, 'fidelity-named')
    const version = await named.client.ok('GET', `/api/v2/templateversions/${t.active_version_id}`)
    expect(version.created_by).toEqual({ id: named.id, username: 'named-author', name: 'Named Author' })
    expect(t.build_time_stats.start).toEqual({ p50: null, p95: null })
  })

  it('API tokens list their scopes and allow list (codersdk/apikey.go)', async () => {
    await f.owner.ok('POST', '/api/v2/users/me/keys/tokens', { token_name: 'fidelity-token' })
    const tokens = await f.owner.ok('GET', '/api/v2/users/me/keys/tokens')
    const token = tokens.find((t: Json) => t.token_name === 'fidelity-token')
    expect(token).toMatchObject({ scope: 'all', scopes: ['coder:all'], allow_list: [{ type: '*', id: '*' }] })
  })

  it('buildinfo carries the web push public key', async () => {
    const info = await new SimClient(f.sim.url).ok('GET', '/api/v2/buildinfo')
    expect(info.webpush_public_key).toMatch(/^[A-Za-z0-9_-]{87}$/)
  })

  it('organizations have no default_org_member_roles; member role updates answer the plain member', async () => {
    const org = await f.owner.ok('GET', `/api/v2/organizations/${f.orgId}`)
    expect(org).not.toHaveProperty('default_org_member_roles')
    const member = await createUser(f)
    const updated = await f.owner.ok('PUT', `/api/v2/organizations/${f.orgId}/members/${member.id}/roles`, {
      roles: ['organization-admin'],
    })
    expect(Object.keys(updated).sort()).toEqual([
      'created_at',
      'organization_id',
      'roles',
      'updated_at',
      'user_id',
    ])
    expect(updated.roles).toEqual([
      { name: 'organization-admin', display_name: 'Organization Admin', organization_id: f.orgId },
    ])
  })

  it('dispatch methods do not offer inbox (coderd/notifications.go notificationDispatchMethods)', async () => {
    const methods = await f.owner.ok('GET', '/api/v2/notifications/dispatch-methods')
    expect(methods).toEqual({ available: ['smtp', 'webhook'], default: 'smtp' })
  })

  it('users without a name or avatar omit them, as codersdk.MinimalUser does', async () => {
    const member = await createUser(f)
    const user = await f.owner.ok('GET', `/api/v2/users/${member.id}`)
    expect(user).not.toHaveProperty('avatar_url')
    expect(user).not.toHaveProperty('name')
    expect(user.id).toBe(member.id)
  })
})
