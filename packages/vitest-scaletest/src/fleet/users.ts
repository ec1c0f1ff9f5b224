// Scaletest users: made one at a time (Coder's createusers runner) or found in a pool made
// earlier by suites/create-users (Coder's --reuse-users / --username-prefix).

import { randomBytes } from 'node:crypto'

import type { CoderClient, DeriveOptions } from '../coder/client.ts'
import type { User } from '../coder/schemas.ts'
import { SCALETEST_PREFIX, scaletestEmail, scaletestUsername } from './naming.ts'

export interface ScaletestUser {
  user: User
  email: string
  /** Only for users made in this run; never logged. */
  password: string | undefined
}

export interface CreateScaletestUserOptions {
  organizationId: string
  /** The runner id, the last part of the name. */
  id: string
  /** 8 random characters shared by the run (randomTag()). */
  tag: string
  /** Pool prefix: `scaletest-<prefix>-<tag>-<id>`. */
  usernamePrefix?: string
  templateAdmin?: boolean
  signal?: AbortSignal
}

/** `POST /users` with a random 16-character password; the template-admin role with the owner's token. */
export async function createScaletestUser(
  owner: CoderClient,
  options: CreateScaletestUserOptions,
): Promise<ScaletestUser> {
  const { signal } = options
  const password = randomBytes(12).toString('base64url').slice(0, 16)
  const email = scaletestEmail(options.tag, options.id)
  const user = await owner.createUser(
    {
      username: scaletestUsername(options.tag, options.id, options.usernamePrefix),
      email,
      password,
      login_type: 'password',
      organization_ids: [options.organizationId],
    },
    signal,
  )
  if (options.templateAdmin) await owner.updateUserRoles(user.id, ['template-admin'], signal)
  return { user, email, password }
}

/** A client acting as the user: logs in with the password, or mints a token for a pooled user. */
export async function clientFor(
  owner: CoderClient,
  user: ScaletestUser,
  options: DeriveOptions & { tokenLifetimeMs?: number; signal?: AbortSignal } = {},
): Promise<CoderClient> {
  if (user.password) return owner.loginAs({ email: user.email, password: user.password }, options)
  const lifetime = (options.tokenLifetimeMs ?? 3_600_000) * 1_000_000 // Go duration, nanoseconds
  const { key } = await owner.createToken({ lifetime }, user.user.id, options.signal)
  return owner.withSessionToken(key, options)
}

/**
 * The pool `scaletest-<prefix>-*`: lists `q=scaletest-<prefix>-` 100 a page, keeps exact prefix
 * matches; fewer than `count` is an error naming the suite that makes them.
 */
export async function findUserPool(
  owner: CoderClient,
  usernamePrefix: string,
  count: number,
  signal?: AbortSignal,
): Promise<ScaletestUser[]> {
  const prefix = `${SCALETEST_PREFIX}${usernamePrefix}-`
  const found: ScaletestUser[] = []
  for (let offset = 0; ; offset += 100) {
    const page = await owner.listUsers({ q: prefix, limit: 100, offset }, signal)
    for (const user of page.users)
      if (user.username.startsWith(prefix)) found.push({ user, email: user.email, password: undefined })
    if (page.users.length < 100 || found.length >= count) break
  }
  if (found.length < count)
    throw new Error(
      `found ${found.length} user(s) named ${prefix}*, need ${count}: create them first with ` +
        `CODER_SCALETEST_CREATE_USERS_COUNT=${count} CODER_SCALETEST_CREATE_USERS_USERNAME_PREFIX=${usernamePrefix} ` +
        'CODER_SCALETEST_NO_CLEANUP=true npx vitest run suites/create-users',
    )
  return found.slice(0, count)
}
