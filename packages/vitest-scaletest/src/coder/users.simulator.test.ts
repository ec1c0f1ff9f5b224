import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startCoderdSimulator } from '@scaletest/mocks'
import { CoderClient } from './client.ts'
import { CoderApiError } from './errors.ts'
import { createUserClient, OWNER, type SimulatorSession, startSimulatorSession } from './simulator-setup.ts'

let session: SimulatorSession

beforeAll(async () => {
  session = await startSimulatorSession()
})
afterAll(() => session?.close())

async function apiError(promise: Promise<unknown>): Promise<CoderApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CoderApiError)
  return error as CoderApiError
}

describe('first user, login, build info (simulator)', () => {
  it('creates the first user on an empty deployment, then refuses a second with 409', async () => {
    const sim = await startCoderdSimulator()
    try {
      const client = new CoderClient({ url: sim.url })
      expect(await client.hasFirstUser()).toBe(false)
      const created = await client.createFirstUser({
        email: 'first@x.io',
        username: 'first',
        password: 'first-pass-1',
      })
      expect(await client.hasFirstUser()).toBe(true)
      const first = await client.loginAs({ email: 'first@x.io', password: 'first-pass-1' })
      const me = await first.me()
      expect(me.id).toBe(created.user_id)
      expect(me.organization_ids).toContain(created.organization_id)
      expect(me.roles.map((r) => r.name)).toContain('owner')
      const again = await apiError(
        client.createFirstUser({ email: 'b@x.io', username: 'b', password: 'second-pass' }),
      )
      expect(again.status).toBe(409)
    } finally {
      await sim.close()
    }
  })

  it('reads build info anonymously and rejects a wrong password with 401', async () => {
    const anonymous = new CoderClient({ url: session.url })
    const info = await anonymous.buildInfo()
    expect(info.version).not.toBe('')
    const wrong = await apiError(anonymous.login({ email: OWNER.email, password: 'nope-nope' }))
    expect(wrong.status).toBe(401)
    expect((await apiError(anonymous.me())).status).toBe(401)
  })

  it('returns the logged-in owner from me()', async () => {
    const me = await session.owner.me()
    expect(me.username).toBe(OWNER.username)
    expect(me.roles.map((r) => r.name)).toContain('owner')
  })
})

describe('users, roles, organizations, tokens (simulator)', () => {
  it('lists organizations and resolves the default one by id and name', async () => {
    const orgs = await session.owner.organizations()
    expect(orgs.filter((o) => o.is_default)).toHaveLength(1)
    expect((await session.owner.organization(session.org.name)).id).toBe(session.org.id)
    expect((await session.owner.organization(session.org.id)).is_default).toBe(true)
  })

  it('creates a user in the org, finds it by query and id, rejects a duplicate with 409', async () => {
    const { user, email } = await createUserClient(session, [], 'lister')
    expect(user.organization_ids).toEqual([session.org.id])
    const listed = await session.owner.listUsers({ q: user.username })
    expect(listed.users.map((u) => u.id)).toContain(user.id)
    expect(listed.count).toBeGreaterThanOrEqual(1)
    expect((await session.owner.user(user.id)).email).toBe(email)
    const duplicate = await apiError(
      session.owner.createUser({
        email,
        username: user.username,
        password: 'pw-123456',
        organization_ids: [session.org.id],
      }),
    )
    expect(duplicate.status).toBe(409)
  })

  it('rejects a malformed user with 400 and validations naming the field', async () => {
    const bad = await apiError(
      session.owner.createUser({
        email: 'not-an-email',
        username: 'ok-name',
        password: 'pw-123456',
        organization_ids: [session.org.id],
      }),
    )
    expect(bad.status).toBe(400)
    expect(bad.validations.map((v) => v.field)).toContain('email')
  })

  it('assigns site roles incl. template-admin; refuses own roles (400) and member admin calls (403)', async () => {
    const { user, client: member } = await createUserClient(session, [], 'roles')
    const updated = await session.owner.updateUserRoles(user.id, ['template-admin'])
    expect(updated.roles.map((r) => r.name)).toEqual(['template-admin'])
    expect((await session.owner.updateUserRoles(user.id, [])).roles).toEqual([])
    const self = await apiError(session.owner.updateUserRoles('me', ['template-admin']))
    expect(self.status).toBe(400)
    const forbidden = await apiError(
      member.createUser({
        email: 'x1@scaletest.local',
        username: 'x1',
        password: 'pw-123456',
        organization_ids: [session.org.id],
      }),
    )
    expect(forbidden.status).toBe(403)
  })

  it('mints an API token that authenticates as the user', async () => {
    const { user, client } = await createUserClient(session, [], 'token')
    const { key } = await client.createToken({ token_name: 'scaletest', lifetime: 3_600 * 1e9 })
    const viaToken = session.owner.withSessionToken(key)
    expect((await viaToken.me()).id).toBe(user.id)
    const forOther = await session.owner.createToken({}, user.id)
    expect((await session.owner.withSessionToken(forOther.key).me()).id).toBe(user.id)
  })

  it('deletes a user (then 404) and refuses to delete yourself with 403', async () => {
    const { user } = await createUserClient(session, [], 'deleted')
    expect((await session.owner.deleteUser(user.id)).message).toMatch(/deleted/i)
    expect((await apiError(session.owner.user(user.id))).status).toBe(404)
    expect((await apiError(session.owner.deleteUser('me'))).status).toBe(403)
  })
})
