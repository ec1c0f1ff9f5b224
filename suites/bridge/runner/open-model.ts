// The open model (ours, next to Coder's closed loop): requests start at a fixed arrival rate whatever
// their latency, spread round-robin over the users, and each is timed from its *scheduled* start.
// A closed loop slows down with a slow bridge and so sends fewer requests; this one does not.

import {
  type CoderClient,
  constantArrivalRate,
  type IterationReport,
  type Logger,
  SharedHttpPool,
} from '@scaletest/vitest'
import type { BridgeConfig } from '../config.ts'
import type { BridgeMetrics } from './metrics.ts'
import { BridgeRequester } from './request.ts'
import { requestUrl } from './run.ts'
import { type BridgeUser, createBridgeUser } from './user.ts'

const USER_SETUP_CONCURRENCY = 16

export interface OpenModelRun {
  /** Arrivals in the schedule: what the success threshold expects. */
  scheduled: number
  report: Promise<IterationReport>
}

export function runOpenModel(
  setup: { config: BridgeConfig; body: string; runTag: string; organizationId?: string },
  deps: {
    owner: CoderClient
    metrics: BridgeMetrics
    logger: Logger
    signal: AbortSignal
    /** Registers teardown (user deletion, pool close) that runs even after a failure. */
    onTestFinished(fn: () => Promise<void>): void
  },
): OpenModelRun {
  const { config } = setup
  const open = config.openModel!
  const strategy = constantArrivalRate({
    rate: open.ratePerSecond,
    durationMs: open.durationMs,
    maxInFlight: open.maxInFlight,
  })
  const run = async (): Promise<IterationReport> => {
    const users: BridgeUser[] = []
    deps.onTestFinished(async () => {
      if (config.noCleanup) return
      for (const { user } of users) await deps.owner.deleteUser(user.id).catch(() => {})
    })
    if (config.mode === 'bridge')
      for (let first = 0; first < config.concurrentUsers; first += USER_SETUP_CONCURRENCY) {
        const ids = Array.from(
          { length: Math.min(USER_SETUP_CONCURRENCY, config.concurrentUsers - first) },
          (_, i) => String(first + i),
        )
        const options = { runTag: setup.runTag, organizationId: setup.organizationId, metrics: deps.metrics }
        users.push(
          ...(await Promise.all(
            ids.map((id) => createBridgeUser(deps.owner, { ...options, id }, deps.signal)),
          )),
        )
      }
    const pool = new SharedHttpPool({ connections: open.maxInFlight })
    deps.onTestFinished(() => pool.close())
    const client = pool.client({ timeoutMs: 0, retry: false, secrets: users.map((u) => u.token) })
    const url = requestUrl(config, deps.owner.url)
    const requests = new BridgeRequester(config, setup.body, deps.metrics)
    deps.logger.info(
      `bridge: open model, ${strategy.iterations} request(s) at ${open.ratePerSecond}/s over ` +
        `${users.length || 'no'} user(s), at most ${open.maxInFlight} in flight`,
    )
    return strategy.iterate(
      async ({ index, signal }) => {
        const token = users.length > 0 ? users[index % users.length]!.token : ''
        const failure = await requests.attempt(client, url, token, signal)
        if (failure) throw failure
      },
      { signal: deps.signal, latency: deps.metrics.scheduledLatency },
    )
  }
  return { scheduled: strategy.iterations, report: run() }
}
