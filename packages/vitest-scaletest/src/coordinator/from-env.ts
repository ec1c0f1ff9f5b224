// The coordinator a scenario gets: Redis when SCALETEST_COORDINATOR_URL is set, in-process otherwise.

import { ConfigError } from '../errors.ts'
import { shardFromEnv, shardLabel } from '../shard/identity.ts'
import type { BarrierOptions } from '../sync/barrier.ts'
import type { LatchOptions } from '../sync/latch.ts'
import { type Coordinator, LocalCoordinator } from './coordinator.ts'
import { RedisCoordinator } from './redis-coordinator.ts'

const RUN_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/

export interface CoordinatorScope {
  /** Keeps the barriers of different tests of one run apart (the fixture passes the test id). */
  scope: string
}

export async function coordinatorFromEnv(
  env: NodeJS.ProcessEnv,
  { scope }: CoordinatorScope,
): Promise<Coordinator> {
  const shard = shardFromEnv(env)
  const url = env.SCALETEST_COORDINATOR_URL
  const runId = env.SCALETEST_RUN_ID || undefined
  if (runId !== undefined && !RUN_ID.test(runId))
    throw new ConfigError(['SCALETEST_RUN_ID'], `SCALETEST_RUN_ID='${runId}' must be 1-128 of [a-zA-Z0-9_.-]`)
  if (!url) return shard.count === 1 ? new LocalCoordinator({ runId }) : new UncoordinatedShard(shard, runId)
  if (!/^rediss?:\/\//.test(url))
    throw new ConfigError(
      ['SCALETEST_COORDINATOR_URL'],
      'SCALETEST_COORDINATOR_URL must be a redis:// or rediss:// URL',
    )
  if (!runId)
    throw new ConfigError(
      ['SCALETEST_RUN_ID'],
      'SCALETEST_COORDINATOR_URL is set, so SCALETEST_RUN_ID must name the run every shard belongs to',
    )
  return RedisCoordinator.connect({ url, runId, scope, shard })
}

/** A shard of several with no coordinator: its share of the runs works, a cross-shard barrier cannot. */
class UncoordinatedShard extends LocalCoordinator {
  constructor(shard: ReturnType<typeof shardFromEnv>, runId: string | undefined) {
    super({ runId, shard })
  }

  override barrier(_size: number, options?: BarrierOptions): never {
    throw this.#missing(`barrier '${options?.name ?? 'barrier'}'`)
  }

  override latch(options?: LatchOptions): never {
    throw this.#missing(`latch '${options?.name ?? 'latch'}'`)
  }

  #missing(what: string): ConfigError {
    return new ConfigError(
      ['SCALETEST_COORDINATOR_URL'],
      `${what} spans every shard, but shard ${shardLabel(this.shard)} has no coordinator: set ` +
        'SCALETEST_COORDINATOR_URL=redis://… and SCALETEST_RUN_ID',
    )
  }
}
