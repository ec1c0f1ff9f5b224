import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

import { forbidden, unauthorized } from './http/api-error.ts'
import type { LoginType, SiteRole, TokenRecord, UserRecord } from './records.ts'
import { now, type SimState } from './state.ts'

export const SESSION_COOKIE = 'coder_session_token'
export const SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000
export const MAX_TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

function randomString(length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length]
  return out
}

// A mock: a salted SHA-256 keeps 10,000 logins cheap. Real Coder uses PBKDF2.
export function hashPassword(password: string): string {
  const salt = randomString(16)
  return `${salt}$${createHash('sha256').update(salt).update(password).digest('hex')}`
}

export function checkPassword(hash: string | undefined, password: string): boolean {
  if (!hash) return false
  const [salt, digest] = hash.split('$')
  const actual = createHash('sha256')
    .update(salt ?? '')
    .update(password)
    .digest()
  const expected = Buffer.from(digest ?? '', 'hex')
  return expected.length === actual.length && timingSafeEqual(actual, expected)
}

/** Coder's key shape: `<10-char id>-<22-char secret>`; the whole string is the session token. */
export function issueToken(
  state: SimState,
  user: UserRecord,
  options: { lifetimeMs: number; loginType: LoginType; name?: string; scope?: string },
): TokenRecord {
  const id = randomString(10)
  const token: TokenRecord = {
    id,
    secret: `${id}-${randomString(22)}`,
    userId: user.id,
    name: options.name ?? '',
    scope: options.scope ?? 'all',
    loginType: options.loginType,
    createdAt: now(),
    expiresAt: Date.now() + options.lifetimeMs,
  }
  state.tokens.set(token.secret, token)
  return token
}

/** Token lookup in Coder's order: cookie, `coder_session_token` query, header, bearer, `access_token` query. */
export function tokenFrom(req: IncomingMessage, url: URL): string | undefined {
  const cookie = req.headers.cookie
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [name, ...rest] = part.trim().split('=')
      if (name === SESSION_COOKIE && rest.length > 0) return rest.join('=')
    }
  }
  const header = req.headers['coder-session-token']
  const bearer = req.headers.authorization
  return (
    url.searchParams.get(SESSION_COOKIE) ??
    (typeof header === 'string' && header !== '' ? header : undefined) ??
    (bearer?.startsWith('Bearer ') ? bearer.slice(7) : undefined) ??
    url.searchParams.get('access_token') ??
    undefined
  )
}

export function authenticate(state: SimState, req: IncomingMessage, url: URL): UserRecord {
  const secret = tokenFrom(req, url)
  if (!secret)
    throw unauthorized('Cookie "coder_session_token" or header "Coder-Session-Token" must be provided.')
  const token = state.tokens.get(secret)
  if (!token) throw unauthorized('API key is invalid.')
  if (token.expiresAt <= Date.now()) throw unauthorized('API key expired.')
  const user = state.users.get(token.userId)
  if (!user) throw unauthorized('User of the API key no longer exists.')
  if (user.status === 'suspended') throw unauthorized('Your account is suspended.')
  return user
}

export function hasRole(user: UserRecord, ...roles: SiteRole[]): boolean {
  return user.siteRoles.some((role) => roles.includes(role))
}

export function isOwner(user: UserRecord): boolean {
  return user.siteRoles.includes('owner')
}

export function requireRole(user: UserRecord, ...roles: SiteRole[]): void {
  if (!isOwner(user) && !hasRole(user, ...roles)) throw forbidden()
}

/** Template and file management: owners and template admins. */
export function canManageTemplates(user: UserRecord): boolean {
  return hasRole(user, 'owner', 'template-admin')
}

/** Seeing other users' workspaces: owners, template admins, auditors. */
export function canReadAllWorkspaces(user: UserRecord): boolean {
  return hasRole(user, 'owner', 'template-admin', 'auditor')
}

export function canManageUsers(user: UserRecord): boolean {
  return hasRole(user, 'owner', 'user-admin')
}
