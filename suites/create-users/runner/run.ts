// One create-users runner per user (Coder: scaletest/createusers/run.go): `POST /users` in the
// caller's first organization with a random password, a login on the runner's own connections,
// and, for the first `templateAdminCount` runners, the template-admin role (sent with the owner's
// token). Cleanup deletes the user unless the pool is meant to stay.

import {
  type CoderClient,
  clientFor,
  createScaletestUser,
  type Runner,
  type ScaletestUser,
} from '@scaletest/vitest'

export interface CreateUsersRunnerConfig {
  organizationId: string
  tag: string
  usernamePrefix: string
  templateAdmin: boolean
  noCleanup: boolean
}

export function createUsersRunner(config: CreateUsersRunnerConfig, owner: CoderClient) {
  let created: ScaletestUser | undefined
  let loginMs: number | undefined

  return {
    async run({ id, signal, log, http }) {
      created = await createScaletestUser(owner, {
        organizationId: config.organizationId,
        id,
        tag: config.tag,
        usernamePrefix: config.usernamePrefix,
        templateAdmin: config.templateAdmin,
        signal,
      })
      log(`created user ${created.user.username}${config.templateAdmin ? ' (template-admin)' : ''}`)
      const started = performance.now()
      await using me = await clientFor(owner, created, { dispatcher: http().dispatcher, signal })
      const whoami = await me.me(signal)
      loginMs = performance.now() - started
      if (whoami.id !== created.user.id)
        throw new Error(`logged in as ${whoami.username}, not ${created.user.username}`)
      log('logged in')
    },

    async cleanup({ signal, log }) {
      if (!created || config.noCleanup) return
      await owner.deleteUser(created.user.id, signal)
      log(`deleted user ${created.user.username}`)
    },

    metrics() {
      return {
        user_id: created?.user.id ?? '',
        username: created?.user.username ?? '',
        login_ms: loginMs ?? -1,
      }
    },
  } satisfies Runner
}
