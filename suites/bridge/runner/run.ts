// One bridge runner per concurrent user (Coder: scaletest/bridge/run.go, strategy.go). Bridge mode
// creates the runner's user and sends its session token as `Authorization: Bearer` to coderd's AI
// Bridge; direct mode posts to the upstream URL without a user. Requests are sequential; a failed
// one is counted and the runner goes on, and fails at the end if any failed.

import type { CoderClient, Runner } from '@scaletest/vitest'
import { type BridgeConfig, KIND_PATHS } from '../config.ts'
import type { BridgeMetrics } from './metrics.ts'
import { BridgeRequester } from './request.ts'
import { type BridgeUser, createBridgeUser } from './user.ts'

export interface BridgeRunnerConfig {
  config: BridgeConfig
  /** The shared, pre-serialised request body (Coder's PrepareRequestBody). */
  body: string
  /** Bridge mode: the organization users join, and a tag unique to this run for their names. */
  organizationId?: string
  runTag: string
}

export interface BridgeRunnerDeps {
  /** The owner's client: creates and deletes bridge-mode users. */
  owner: CoderClient
  metrics: BridgeMetrics
}

/** Where a runner sends its requests: the bridge path under coderd, or the upstream URL. */
export function requestUrl(config: BridgeConfig, coderUrl: string): string {
  return config.mode === 'bridge'
    ? new URL(KIND_PATHS[config.kind].bridge, coderUrl).href
    : config.upstreamUrl
}

export function bridgeRunner(setup: BridgeRunnerConfig, deps: BridgeRunnerDeps) {
  const { config } = setup
  const requests = new BridgeRequester(config, setup.body, deps.metrics)
  let created: BridgeUser | undefined

  return {
    async run({ id, signal, log, http }) {
      if (config.mode === 'bridge') {
        created = await createBridgeUser(
          deps.owner,
          { runTag: setup.runTag, id, organizationId: setup.organizationId, metrics: deps.metrics },
          signal,
        )
        log(`runner user created: ${created.user.username}`)
      }
      const url = requestUrl(config, deps.owner.url)
      const token = created?.token ?? ''
      log(`bridge runner is ready: ${config.mode} mode, ${config.requestCount} request(s) to ${url}`)
      // Its own connections; no retries, and the timeout is the requester's (whole body).
      const client = http({ timeoutMs: 0, retry: false, ...(token && { secrets: [token] }) })
      for (let i = 0; i < config.requestCount; i++) {
        const failure = await requests.attempt(client, url, token, signal)
        if (failure) log(`bridge request ${i + 1} failed: ${failure.message}`)
      }
      log(
        `bridge runner completed: ${requests.requestCount} request(s), ${requests.successCount} ok, ` +
          `${requests.failureCount} failed`,
      )
      if (requests.failureCount > 0)
        throw new Error(
          `bridge runner failed: ${requests.failureCount} out of ${config.requestCount} requests failed`,
        )
    },

    async cleanup({ signal, log }) {
      if (!created || config.noCleanup) return
      await deps.owner.deleteUser(created.user.id, signal)
      log(`deleted user ${created.user.username}`)
    },

    metrics: () => requests.runMetrics(),
  } satisfies Runner
}
