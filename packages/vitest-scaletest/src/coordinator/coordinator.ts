// What a scenario shares with the other shards of its run: the run id, barriers whose parties are
// spread over every shard, and latches one shard sets for all. Without SCALETEST_COORDINATOR_URL it
// is all in-process (LocalCoordinator) and a scenario behaves exactly as before.

import { randomBytes } from 'node:crypto'

import { type ShardIdentity, SINGLE_SHARD } from '../shard/identity.ts'
import { Barrier, type BarrierOptions } from '../sync/barrier.ts'
import { Latch, type LatchOptions } from '../sync/latch.ts'

export interface Coordinator {
  /** Ties the shards of one run together (SCALETEST_RUN_ID; random for a one-shard run). */
  readonly runId: string
  readonly shard: ShardIdentity
  /** A barrier of `size` parties in all, over every shard. Shards must create it with the same name. */
  barrier(size: number, options?: BarrierOptions): Barrier
  /** A latch that any one shard sets (or fails) for every shard. Values must be JSON. */
  latch<T>(options?: LatchOptions): Latch<T>
  close(): Promise<void>
}

/** The in-process coordinator: one shard, plain Barrier and Latch. */
export class LocalCoordinator implements Coordinator {
  readonly runId: string
  readonly shard: ShardIdentity

  constructor(options: { runId?: string | undefined; shard?: ShardIdentity } = {}) {
    this.runId = options.runId ?? randomBytes(6).toString('hex')
    this.shard = options.shard ?? SINGLE_SHARD
  }

  barrier(size: number, options?: BarrierOptions): Barrier {
    return new Barrier(size, options)
  }

  latch<T>(options?: LatchOptions): Latch<T> {
    return new Latch<T>(options)
  }

  async close(): Promise<void> {}
}
