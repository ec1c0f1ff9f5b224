import { randomBytes } from 'node:crypto'

import type { FirstUserCredentials } from './mock-set.ts'
import { MocksError } from './mocks-error.ts'

/** A first user for the simulator of one run, with a random password. */
export function newFirstUser(): FirstUserCredentials {
  return {
    email: 'owner@scaletest.example.com',
    username: 'scaletest-owner',
    password: randomBytes(18).toString('base64url'),
  }
}

/** POST /api/v2/users/login as the first user; returns the session token. Retries while the simulator warms up. */
export async function loginFirstUser(
  coderUrl: string,
  user: FirstUserCredentials,
  options: { timeoutMs?: number } = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000)
  let last = ''
  while (Date.now() < deadline) {
    try {
      const response = await fetch(new URL('/api/v2/users/login', coderUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: user.password }),
        signal: AbortSignal.timeout(5_000),
      })
      const body = (await response.json().catch(() => ({}))) as { session_token?: unknown; message?: unknown }
      if (response.status === 201 && typeof body.session_token === 'string') return body.session_token
      last = `${response.status} ${typeof body.message === 'string' ? body.message : ''}`.trim()
      if (response.status !== 401 && response.status < 500) break // only a not-yet-created user is worth a retry
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new MocksError(
    'SCALETEST_MOCKS_LOGIN_FAILED',
    `logging in to the coderd simulator at ${coderUrl} as ${user.email} failed (${last}); ` +
      'check that the simulator accepts --first-user-* flags and CODER_FIRST_USER_PASSWORD',
  )
}
