// The create-users knobs, from the environment variables of Coder's
// `coder exp scaletest create-users` flags. Every bad value is reported before anything is created.

import { z } from 'zod'

import { knob, parseKnobs } from '@scaletest/vitest'

const schema = z.object({
  CODER_SCALETEST_CREATE_USERS_COUNT: knob.int(10, 1),
  CODER_SCALETEST_CREATE_USERS_TEMPLATE_ADMIN_PERCENTAGE: knob.range(20, 0, 100),
  CODER_SCALETEST_CREATE_USERS_USERNAME_PREFIX: knob
    .string('')
    .refine(
      (p) => p === '' || /^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$/.test(p),
      'expected letters, digits and single hyphens',
    ),
  CODER_SCALETEST_NO_CLEANUP: knob.bool(false),
})

export interface CreateUsersConfig {
  count: number
  templateAdminCount: number
  /** Pool infix: users are `scaletest-<prefix>-<rand>-<id>`. */
  usernamePrefix: string
  /** Keep the users (the normal mode when they feed other suites). */
  noCleanup: boolean
}

export function loadCreateUsersConfig(env: Record<string, string | undefined>): CreateUsersConfig {
  const v = parseKnobs(schema, env, 'create-users')
  const prefix = v.CODER_SCALETEST_CREATE_USERS_USERNAME_PREFIX
  const count = v.CODER_SCALETEST_CREATE_USERS_COUNT
  const pct = v.CODER_SCALETEST_CREATE_USERS_TEMPLATE_ADMIN_PERCENTAGE
  // Coder's rounding: floor, but at least one when the percentage is above zero.
  const templateAdminCount = pct > 0 ? Math.max(1, Math.floor((count * pct) / 100)) : 0
  return { count, templateAdminCount, usernamePrefix: prefix, noCleanup: v.CODER_SCALETEST_NO_CLEANUP }
}
