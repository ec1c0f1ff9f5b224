import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startCoderdSimulator } from './simulator.ts'
import { createUser, type Fixture, OWNER, SimClient, startFixture } from './test/sim-client.ts'

describe('first user and login', () => {
  it('creates the first user once, then logs in with a session token and cookie', async () => {
    const sim = await startCoderdSimulator()
    try {
      const anon = new SimClient(sim.url)
      expect((await anon.call('GET', '/api/v2/users/first')).status).toBe(404)
      const created = await anon.call('POST', '/api/v2/users/first', { ...OWNER, trial: false })
      expect(created.status).toBe(201)
      expect(created.body).toEqual({ user_id: expect.any(String), organization_id: expect.any(String) })
      expect((await anon.call('GET', '/api/v2/users/first')).status).toBe(200)
      const again = await anon.call('POST', '/api/v2/users/first', {
        ...OWNER,
        username: 'other',
        email: 'o@example.com',
        trial: false,
      })
      expect(again.status).toBe(409)
      expect(again.body.message).toBe('The initial user has already been created.')

      const bad = await anon.call('POST', '/api/v2/users/login', {
        email: OWNER.email,
        password: 'wrong-password',
      })
      expect(bad.status).toBe(401)
      expect(bad.body.message).toBe('Incorrect email or password.')
      const login = await anon.call('POST', '/api/v2/users/login', {
        email: OWNER.email,
        password: OWNER.password,
      })
      expect(login.status).toBe(201)
      expect(login.body.session_token).toMatch(/^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/)
      expect(login.headers.get('set-cookie')).toContain('coder_session_token=')
      const me = await anon.as(login.body.session_token).ok('GET', '/api/v2/users/me')
      expect(me).toMatchObject({
        id: created.body.user_id,
        username: 'owner',
        roles: [{ name: 'owner', display_name: 'Owner' }],
      })
      // The cookie works as well as the header.
      const byCookie = await anon.call('GET', '/api/v2/users/me', undefined, {
        cookie: `coder_session_token=${login.body.session_token}`,
      })
      expect(byCookie.status).toBe(200)
    } finally {
      await sim.close()
    }
  })
})

describe('users, roles, tokens, organizations', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture()
  })
  afterAll(() => f.sim.close())

  it('answers 401 in Coder’s error shape without a token or with a bad one', async () => {
    const anon = new SimClient(f.sim.url)
    const none = await anon.call('GET', '/api/v2/users/me')
    expect(none.status).toBe(401)
    expect(none.body.message).toBe(
      'You are signed out or your session has expired. Please sign in again to continue.',
    )
    expect((await anon.as('abcdefghij-0123456789012345678901').call('GET', '/api/v2/users/me')).status).toBe(
      401,
    )
    expect(none.headers.get('x-coder-build-version')).toMatch(/^v2\./)
  })

  it('creates users in an organization, finds them, and lists with a query and pagination', async () => {
    const made = await f.owner.call('POST', '/api/v2/users', {
      email: 'scaletest-a1@example.com',
      username: 'scaletest-a1',
      password: 'pass-word-1',
      organization_ids: [f.orgId],
    })
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({
      username: 'scaletest-a1',
      status: 'active',
      login_type: 'password',
      organization_ids: [f.orgId],
      roles: [],
    })
    await f.owner.ok('POST', '/api/v2/users', {
      email: 'scaletest-a2@example.com',
      username: 'scaletest-a2',
      login_type: 'none',
      organization_ids: [f.orgId],
    })
    const dup = await f.owner.call('POST', '/api/v2/users', {
      email: 'scaletest-a1@example.com',
      username: 'scaletest-a1',
      password: 'pass-word-1',
      organization_ids: [f.orgId],
    })
    expect(dup.status).toBe(409)
    expect(dup.body.message).toBe('User already exists.')
    const noOrg = await f.owner.call('POST', '/api/v2/users', {
      email: 'z@example.com',
      username: 'z',
      password: 'pass-word-1',
      organization_ids: [],
    })
    expect(noOrg.status).toBe(400)
    const unknownOrg = await f.owner.call('POST', '/api/v2/users', {
      email: 'z@example.com',
      username: 'z',
      password: 'pass-word-1',
      organization_ids: ['8b2f5a83-0000-4000-8000-000000000000'],
    })
    expect(unknownOrg.status).toBe(404)

    const page = await f.owner.ok('GET', '/api/v2/users?q=scaletest-&limit=1')
    expect(page.count).toBe(2)
    expect(page.users.map((u: { username: string }) => u.username)).toEqual(['scaletest-a1'])
    const next = await f.owner.ok('GET', `/api/v2/users?q=scaletest-&limit=1&after_id=${made.body.id}`)
    expect(next.users.map((u: { username: string }) => u.username)).toEqual(['scaletest-a2'])
    expect((await f.owner.call('GET', '/api/v2/users?after_id=not-a-uuid')).status).toBe(400)
    expect((await f.owner.ok('GET', '/api/v2/users/scaletest-a1')).id).toBe(made.body.id)
    expect((await f.owner.ok('GET', `/api/v2/users/${made.body.id}`)).username).toBe('scaletest-a1')
    expect((await f.owner.call('GET', '/api/v2/users/nobody-here')).status).toBe(404)
  })

  it('assigns site roles, refuses members, refuses changing your own roles', async () => {
    const admin = await createUser(f, ['template-admin'])
    expect((await f.owner.ok('GET', `/api/v2/users/${admin.id}`)).roles).toEqual([
      { name: 'template-admin', display_name: 'Template Admin' },
    ])
    const member = await createUser(f)
    const forbidden = await member.client.call('POST', '/api/v2/users', {
      email: 'm2@example.com',
      username: 'm2',
      password: 'pass-word-1',
      organization_ids: [f.orgId],
    })
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.message).toBe('Forbidden.')
    expect((await member.client.call('PUT', `/api/v2/users/${admin.id}/roles`, { roles: [] })).status).toBe(
      403,
    )
    expect((await f.owner.call('PUT', '/api/v2/users/me/roles', { roles: [] })).body.message).toBe(
      'You cannot change your own roles.',
    )
    const unknown = await f.owner.call('PUT', `/api/v2/users/${member.id}/roles`, { roles: ['wizard'] })
    expect(unknown.status).toBe(400)
    expect(unknown.body.validations[0].field).toBe('roles')
    const userAdmin = await createUser(f, ['user-admin'])
    expect(
      (await userAdmin.client.call('PUT', `/api/v2/users/${member.id}/roles`, { roles: ['owner'] })).status,
    ).toBe(403)
    expect(
      (await userAdmin.client.call('PUT', `/api/v2/users/${member.id}/roles`, { roles: ['auditor'] })).status,
    ).toBe(200)
  })

  it('deletes users; not yourself; members may not', async () => {
    const victim = await createUser(f)
    const member = await createUser(f)
    expect((await member.client.call('DELETE', `/api/v2/users/${victim.id}`)).status).toBe(403)
    const self = await f.owner.call('DELETE', '/api/v2/users/me')
    expect(self).toMatchObject({ status: 403, body: { message: 'You cannot delete yourself!' } })
    const deleted = await f.owner.call('DELETE', `/api/v2/users/${victim.id}`)
    expect(deleted).toMatchObject({ status: 200, body: { message: 'User has been deleted!' } })
    expect((await f.owner.call('GET', `/api/v2/users/${victim.id}`)).status).toBe(404)
    expect((await victim.client.call('GET', '/api/v2/users/me')).status).toBe(401)
  })

  it('mints API tokens that authenticate, and bounds their lifetime', async () => {
    const user = await createUser(f)
    const minted = await f.owner.call('POST', `/api/v2/users/${user.id}/keys/tokens`, {
      lifetime: 3_600 * 1e9,
      scope: 'all',
      token_name: 'scaletest',
    })
    expect(minted.status).toBe(201)
    expect((await f.owner.as(minted.body.key).ok('GET', '/api/v2/users/me')).id).toBe(user.id)
    const tooLong = await user.client.call('POST', '/api/v2/users/me/keys/tokens', {
      lifetime: 400 * 24 * 3_600 * 1e9,
      scope: 'all',
    })
    expect(tooLong.status).toBe(400)
    expect(tooLong.body.validations[0].field).toBe('lifetime')
    const other = await createUser(f)
    expect(
      (await user.client.call('POST', `/api/v2/users/${other.id}/keys/tokens`, { scope: 'all' })).status,
    ).toBe(403)
    const listed = await f.owner.ok('GET', `/api/v2/users/${user.id}/keys/tokens`)
    expect(listed.map((t: { token_name: string }) => t.token_name)).toEqual(['scaletest'])
  })

  it('serves build info and organizations by id, name and `default`', async () => {
    const info = await new SimClient(f.sim.url).ok('GET', '/api/v2/buildinfo')
    expect(info).toMatchObject({ version: expect.stringMatching(/^v2\./), deployment_id: expect.any(String) })
    const orgs = await f.owner.ok('GET', '/api/v2/organizations')
    expect(orgs).toHaveLength(1)
    expect(orgs[0]).toMatchObject({ id: f.orgId, name: 'coder', is_default: true })
    expect((await f.owner.ok('GET', '/api/v2/organizations/default')).id).toBe(f.orgId)
    expect((await f.owner.ok('GET', '/api/v2/organizations/coder')).id).toBe(f.orgId)
    expect((await f.owner.call('GET', '/api/v2/organizations/nope')).status).toBe(404)
  })

  it('rejects malformed JSON, unknown fields and wrong types with 400 naming the field; unknown routes 404', async () => {
    const malformed = await f.owner.call('POST', '/api/v2/users', '{"email":', {
      'content-type': 'application/json',
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body.message).toBe('Request body must be valid JSON.')
    const unknownField = await f.owner.call('POST', '/api/v2/users/login', {
      email: 'a@b.c',
      password: 'x',
      remember: true,
    })
    expect(unknownField.status).toBe(400)
    expect(unknownField.body.validations).toEqual([
      { field: 'remember', detail: expect.stringContaining('unknown field') },
    ])
    const wrongType = await f.owner.call('POST', '/api/v2/users', {
      email: 'a@b.c',
      username: 42,
      organization_ids: [f.orgId],
    })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.validations.map((v: { field: string }) => v.field)).toContain('username')
    const array = await f.owner.call('POST', '/api/v2/users/login', [1, 2])
    expect(array.status).toBe(400)
    const route = await f.owner.call('GET', '/api/v2/definitely/not/here')
    expect(route).toMatchObject({ status: 404, body: { message: 'Route not found.' } })
    const method = await f.owner.call('DELETE', '/api/v2/buildinfo')
    expect(method.status).toBe(405)
    // Still alive after all of that.
    expect((await f.owner.call('GET', '/healthz')).status).toBe(200)
  })
})
