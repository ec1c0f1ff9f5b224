// A pool of users made in advance, part of them template admins, so other suites reuse accounts
// and measure their feature instead of account creation. Rebuilds `coder exp scaletest create-users`.

import { expect, listScaletestUsers, randomTag, scaleTest } from '@scaletest/vitest'
import { loadCreateUsersConfig } from './config.ts'
import { createUsersRunner } from './runner/run.ts'

scaleTest('creates a pool of scaletest users, part template admins', async ({ coder, harness, logger }) => {
  const config = loadCreateUsersConfig(process.env)
  const tag = randomTag()
  logger.info(
    `create-users: ${config.count} users (${config.templateAdminCount} template-admin), ` +
      `prefix "${config.usernamePrefix}", cleanup ${config.noCleanup ? 'off' : 'on'}`,
  )
  const organization = (await coder.organizations())[0]!

  for (let i = 0; i < config.count; i++) {
    const runner = createUsersRunner(
      {
        organizationId: organization.id,
        tag,
        usernamePrefix: config.usernamePrefix,
        templateAdmin: i < config.templateAdminCount,
        noCleanup: config.noCleanup,
      },
      coder,
    )
    harness.add('createusers', String(i), runner)
  }
  const results = await harness.run()
  expect(results).toHaveNoFailures()

  // The pool is there, named as Coder names it, with the template admins it asked for.
  const prefix = `scaletest-${config.usernamePrefix ? `${config.usernamePrefix}-` : ''}${tag}-`
  const pool = (await listScaletestUsers(coder)).filter((u) => u.username.startsWith(prefix))
  expect(pool).toHaveLength(config.count)
  const admins = pool.filter((u) => u.roles.some((r) => r.name === 'template-admin'))
  expect(admins).toHaveLength(config.templateAdminCount)
})
