import { randomUUID } from 'node:crypto'

import { z } from 'zod'

import {
  canManageUsers,
  checkPassword,
  hashPassword,
  isOwner,
  issueToken,
  SESSION_COOKIE,
  SESSION_LIFETIME_MS,
  tokenFrom,
} from '../auth.ts'
import { userJson } from '../convert.ts'
import { ApiError, badRequest, forbidden } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendJson } from '../http/respond.ts'
import { USER_ACCOUNT_CREATED, USER_ACCOUNT_DELETED } from '../notifications/catalogue.ts'
import type { LoginType, SiteRole, UserRecord } from '../records.ts'
import type { Ctx, Sim, SimRoute } from '../sim.ts'
import { now } from '../state.ts'
import { conflict, paginate, parseSearch, readPage, resolveUser } from './common.ts'

const USERNAME = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/
const username = z
  .string()
  .max(32)
  .regex(USERNAME, 'must be alphanumeric with single hyphens, at most 32 characters')
const email = z.email()
const SITE_ROLES = new Set<string>(['owner', 'template-admin', 'user-admin', 'auditor'])

const firstUserSchema = z.strictObject({
  email,
  username,
  name: z.string().optional(),
  password: z.string(),
  trial: z.boolean().optional(),
  trial_info: z.record(z.string(), z.unknown()).optional(),
})

const loginSchema = z.strictObject({ email: z.string(), password: z.string() })

const createUserSchema = z.strictObject({
  email,
  username,
  name: z.string().optional(),
  password: z.string().optional(),
  login_type: z.enum(['password', 'none', 'github', 'oidc', '']).optional(),
  user_status: z.enum(['active', 'dormant', 'suspended']).nullable().optional(),
  organization_ids: z.array(z.uuid()).optional(),
  organization_id: z.uuid().optional(),
  disable_login: z.boolean().optional(),
  service_account: z.boolean().optional(),
})

const rolesSchema = z.strictObject({ roles: z.array(z.string()) })

export function validatePassword(password: string): void {
  if (password.length < 6 || password.length > 64)
    throw badRequest('Password is invalid', [
      { field: 'password', detail: 'password must be 6 to 64 characters long' },
    ])
}

export function newUser(
  sim: Sim,
  fields: Partial<UserRecord> & Pick<UserRecord, 'username' | 'email'>,
): UserRecord {
  const state = sim.state
  if (
    state.usersByUsername.has(fields.username.toLowerCase()) ||
    state.usersByEmail.has(fields.email.toLowerCase())
  )
    throw conflict('User already exists.')
  const at = now()
  const user: UserRecord = {
    id: randomUUID(),
    name: '',
    passwordHash: undefined,
    loginType: 'password',
    status: 'active',
    siteRoles: [],
    organizationIds: [state.defaultOrganization.id],
    createdAt: at,
    updatedAt: at,
    lastSeenAt: at,
    disabledTemplates: new Map(),
    ...fields,
  }
  state.addUser(user)
  return user
}

/** Owners and user admins: who hears about account changes. */
function userAdmins(sim: Sim): UserRecord[] {
  return [...sim.state.users.values()].filter((u) => canManageUsers(u))
}

function login(ctx: Ctx, user: UserRecord): void {
  const token = issueToken(ctx.sim.state, user, { lifetimeMs: SESSION_LIFETIME_MS, loginType: 'password' })
  user.lastSeenAt = now()
  sendJson(
    ctx.res,
    201,
    { session_token: token.secret },
    { 'set-cookie': `${SESSION_COOKIE}=${token.secret}; Path=/; HttpOnly; SameSite=Lax` },
  )
}

function searchUsers(users: UserRecord[], q: string): UserRecord[] {
  const { filters, words } = parseSearch(q)
  let out = users
  for (const word of words) {
    const lower = word.toLowerCase()
    out = out.filter((u) => u.username.toLowerCase().includes(lower) || u.email.toLowerCase().includes(lower))
  }
  for (const [key, value] of filters) {
    if (key === 'status') out = out.filter((u) => u.status === value)
    else if (key === 'role')
      out = out.filter((u) => (value === 'member' ? true : u.siteRoles.includes(value as SiteRole)))
    else if (key === 'login_type') out = out.filter((u) => u.loginType === value)
    else if (key === 'username' || key === 'name') out = out.filter((u) => u.username.includes(value))
    else if (key === 'email') out = out.filter((u) => u.email.includes(value))
    else
      throw badRequest('Invalid user search query.', [
        { field: 'q', detail: `Query element "${key}:${value}" is not supported` },
      ])
  }
  return out
}

export function userRoutes(notifyUserEvents: boolean): SimRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/api/v2/users/first',
      public: true,
      handler: (ctx) => {
        if (ctx.sim.state.users.size === 0) throw new ApiError(404, 'The initial user has not been created!')
        sendJson(ctx.res, 200, { message: 'The initial user has already been created!' })
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/users/first',
      public: true,
      handler: async (ctx) => {
        const body = await readJson(ctx.req, firstUserSchema)
        if (ctx.sim.state.users.size > 0) throw conflict('The initial user has already been created.')
        validatePassword(body.password)
        const user = newUser(ctx.sim, {
          username: body.username,
          email: body.email,
          name: body.name ?? '',
          passwordHash: hashPassword(body.password),
          siteRoles: ['owner'],
        })
        sendJson(ctx.res, 201, { user_id: user.id, organization_id: ctx.sim.state.defaultOrganization.id })
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/users/login',
      public: true,
      handler: async (ctx) => {
        const body = await readJson(ctx.req, loginSchema)
        const user = ctx.sim.state.usersByEmail.get(body.email.toLowerCase())
        if (user?.loginType !== 'password' || !checkPassword(user.passwordHash, body.password))
          throw new ApiError(401, 'Incorrect email or password.')
        if (user.status === 'suspended')
          throw new ApiError(401, 'Your account is suspended. Contact an admin to reactivate your account.')
        login(ctx, user)
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/users/logout',
      // coderd/userauth.go postLogout deletes the API key the request came with (other sessions of
      // the user keep working) and expires the session cookie.
      handler: (ctx) => {
        const secret = tokenFrom(ctx.req, ctx.url)
        if (secret) ctx.sim.state.tokens.delete(secret)
        ctx.res.setHeader('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`)
        sendJson(ctx.res, 200, { message: 'Successfully logged out.' })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/users',
      handler: (ctx) => {
        const page = readPage(ctx.url)
        const all = searchUsers(ctx.sim.state.sortedUsers(), ctx.url.searchParams.get('q') ?? '')
        sendJson(ctx.res, 200, { users: paginate(all, page).map(userJson), count: all.length })
      },
    },
    {
      method: 'POST',
      pattern: '/api/v2/users',
      handler: async (ctx) => {
        const body = await readJson(ctx.req, createUserSchema)
        if (!canManageUsers(ctx.user)) throw forbidden()
        const orgIds = body.organization_ids ?? (body.organization_id ? [body.organization_id] : [])
        if (orgIds.length === 0)
          throw badRequest(
            'No organization specified to place the user as a member of. It is required to specify at least one organization id to place the user in.',
            [{ field: 'organization_ids', detail: 'at least one organization id is required' }],
          )
        for (const id of orgIds)
          if (!ctx.sim.state.organizations.has(id))
            throw new ApiError(404, `Organization does not exist with the provided id "${id}".`)
        let loginType: LoginType = body.login_type || 'password'
        if (body.disable_login) loginType = 'none'
        if (loginType === 'password') validatePassword(body.password ?? '')
        else if (body.password)
          throw badRequest(`Password cannot be set for login type "${loginType}".`, [
            { field: 'password', detail: 'only allowed with login_type password' },
          ])
        const user = newUser(ctx.sim, {
          username: body.username,
          email: body.email,
          name: body.name ?? '',
          passwordHash: body.password ? hashPassword(body.password) : undefined,
          loginType,
          status: body.user_status ?? 'active',
          organizationIds: orgIds,
        })
        if (notifyUserEvents)
          ctx.sim.notifier.enqueue({
            templateId: USER_ACCOUNT_CREATED,
            recipients: userAdmins(ctx.sim),
            labels: {
              created_account_name: user.username,
              created_account_user_name: user.name,
              initiator: ctx.user.username,
            },
            targets: [user.id],
          })
        sendJson(ctx.res, 201, userJson(user))
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/users/:user',
      handler: (ctx) => sendJson(ctx.res, 200, userJson(resolveUser(ctx, ctx.params.user!))),
    },
    {
      method: 'DELETE',
      pattern: '/api/v2/users/:user',
      handler: (ctx) => {
        const user = resolveUser(ctx, ctx.params.user!)
        if (!canManageUsers(ctx.user)) throw forbidden()
        if (user.id === ctx.user.id) throw new ApiError(403, 'You cannot delete yourself!')
        if (ctx.sim.state.liveWorkspacesOfUser(user.id) > 0)
          throw new ApiError(
            417,
            'You cannot delete a user that has workspaces. Delete their workspaces and try again!',
          )
        ctx.sim.state.removeUser(user)
        if (notifyUserEvents)
          ctx.sim.notifier.enqueue({
            templateId: USER_ACCOUNT_DELETED,
            recipients: userAdmins(ctx.sim),
            labels: {
              deleted_account_name: user.username,
              deleted_account_user_name: user.name,
              initiator: ctx.user.username,
            },
            targets: [user.id],
          })
        sendJson(ctx.res, 200, { message: 'User has been deleted!' })
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v2/users/:user/roles',
      handler: async (ctx) => {
        const user = resolveUser(ctx, ctx.params.user!)
        const body = await readJson(ctx.req, rolesSchema)
        if (!canManageUsers(ctx.user)) throw forbidden()
        if (user.id === ctx.user.id) throw badRequest('You cannot change your own roles.')
        const roles = [...new Set(body.roles.filter((r) => r !== 'member'))]
        const unknown = roles.filter((r) => !SITE_ROLES.has(r))
        if (unknown.length > 0)
          throw badRequest(`Invalid role "${unknown[0]}".`, [
            { field: 'roles', detail: `unknown site role: ${unknown.join(', ')}` },
          ])
        const touchesOwner = roles.includes('owner') !== user.siteRoles.includes('owner')
        if (touchesOwner && !isOwner(ctx.user))
          throw forbidden('Not allowed to assign or remove the owner role.')
        user.siteRoles = roles as SiteRole[]
        user.updatedAt = now()
        sendJson(ctx.res, 200, userJson(user))
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/users/:user/organizations',
      handler: (ctx) => {
        const user = resolveUser(ctx, ctx.params.user!)
        const orgs = user.organizationIds
          .map((id) => ctx.sim.state.organizations.get(id))
          .filter((o) => o !== undefined)
        sendJson(
          ctx.res,
          200,
          orgs.map((o) => ({
            id: o.id,
            name: o.name,
            display_name: o.displayName,
            description: o.description,
            icon: o.icon,
            created_at: o.createdAt,
            updated_at: o.updatedAt,
            is_default: o.isDefault,
          })),
        )
      },
    },
  ]
}
