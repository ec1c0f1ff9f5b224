// Bridge mode's user, as Coder's createusers runner makes it: a user in the owner's first
// organization with a random password, then a login for its session token.

import { randomBytes } from 'node:crypto'

import type { CoderClient, User } from '@scaletest/vitest'
import type { BridgeMetrics } from './metrics.ts'

export interface BridgeUser {
  user: User
  /** The user's session token: the bridge's API key. Never log it. */
  token: string
}

export async function createBridgeUser(
  owner: CoderClient,
  options: { runTag: string; id: string; organizationId: string | undefined; metrics: BridgeMetrics },
  signal?: AbortSignal,
): Promise<BridgeUser> {
  const password = randomBytes(12).toString('base64url')
  const name = `${options.runTag}-${options.id}`
  try {
    const user = await owner.createUser(
      {
        username: `scaletest-${name}`,
        email: `${name}@scaletest.local`,
        password,
        login_type: 'password',
        organization_ids: options.organizationId ? [options.organizationId] : [],
      },
      signal,
    )
    try {
      const { session_token } = await owner.login({ email: user.email, password }, signal)
      return { user, token: session_token }
    } catch (cause) {
      await owner.deleteUser(user.id).catch(() => {})
      throw cause
    }
  } catch (cause) {
    options.metrics.addError('create_user')
    throw new Error(`create user: ${(cause as Error).message}`, { cause })
  }
}
