import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadCreateUsersConfig } from './config.ts'

describe('create-users config', () => {
  it('rounds the template admins as Coder does: floor, at least one above 0 %', () => {
    expect(loadCreateUsersConfig({})).toEqual({
      count: 10,
      templateAdminCount: 2,
      usernamePrefix: '',
      noCleanup: false,
    })
    expect(loadCreateUsersConfig({ CODER_SCALETEST_CREATE_USERS_COUNT: '3' }).templateAdminCount).toBe(1)
    expect(
      loadCreateUsersConfig({ CODER_SCALETEST_CREATE_USERS_TEMPLATE_ADMIN_PERCENTAGE: '0' })
        .templateAdminCount,
    ).toBe(0)
  })

  it('rejects a bad count, percentage or prefix', () => {
    for (const env of [
      { CODER_SCALETEST_CREATE_USERS_COUNT: '0' },
      { CODER_SCALETEST_CREATE_USERS_TEMPLATE_ADMIN_PERCENTAGE: '101' },
      { CODER_SCALETEST_CREATE_USERS_USERNAME_PREFIX: 'bad prefix' },
    ])
      expect(() => loadCreateUsersConfig(env)).toThrow(ConfigError)
  })
})
