// Coordination through Redis (SCALETEST_COORDINATOR_URL=redis://…): every key of a run lives under
// `scaletest:<run id>:`. Barriers and latches are streams (see stream-link.ts); liveness is a
// heartbeat key per shard with a TTL. A shard whose heartbeat was seen and then expired, without
// the shard having closed, is lost: every barrier and latch still waiting fails, naming it.

import { Redis } from 'ioredis'

import { CoordinatorError } from '../errors.ts'
import { redactUrl } from '../http/redact.ts'
import { type ShardIdentity, shardLabel } from '../shard/identity.ts'
import type { Barrier, BarrierOptions } from '../sync/barrier.ts'
import type { Latch, LatchOptions } from '../sync/latch.ts'
import type { Coordinator } from './coordinator.ts'
import { SharedBarrier } from './shared-barrier.ts'
import { SharedLatch } from './shared-latch.ts'
import { type StreamFields, StreamLink } from './stream-link.ts'

export interface RedisCoordinatorOptions {
  url: string
  runId: string
  /** Keeps apart the objects of different tests of one run (the fixture passes the test id). */
  scope?: string
  shard: ShardIdentity
  /** How often this shard refreshes its heartbeat and checks the others'. Default 1000 ms. */
  heartbeatMs?: number
  /** A shard unseen for this long is lost. Default 5000 ms. */
  livenessMs?: number
  /** Keys expire this long after their last write. Default one day. */
  ttlSeconds?: number
}

export class RedisCoordinator implements Coordinator {
  readonly runId: string
  readonly shard: ShardIdentity
  readonly #redis: Redis
  readonly #prefix: string
  readonly #heartbeatMs: number
  readonly #livenessMs: number
  readonly #ttlSeconds: number
  readonly #barriers: SharedBarrier[] = []
  readonly #latches: SharedLatch<unknown>[] = []
  readonly #seen = new Set<number>()
  readonly #lost = new Set<number>()
  #sequence = 0
  #timer: NodeJS.Timeout | undefined
  #closed = false

  private constructor(redis: Redis, options: RedisCoordinatorOptions) {
    this.#redis = redis
    this.runId = options.runId
    this.shard = options.shard
    this.#prefix = `scaletest:${options.runId}:${options.scope ? `${options.scope}:` : ''}`
    this.#heartbeatMs = options.heartbeatMs ?? 1000
    this.#livenessMs = options.livenessMs ?? 5000
    this.#ttlSeconds = options.ttlSeconds ?? 86_400
  }

  /** Connects and sends the first heartbeat; a Redis it cannot reach is a clear error. */
  static async connect(options: RedisCoordinatorOptions): Promise<RedisCoordinator> {
    const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 3, protocol: 2 }) // RESP2: XREAD as [[key, entries]]
    redis.on('error', () => {}) // commands reject with it; the 'error' event would only repeat it
    try {
      await redis.connect()
    } catch (error) {
      redis.disconnect()
      throw new CoordinatorError(
        'SCALETEST_COORDINATOR_FAILED',
        `cannot reach the coordinator at ${redactUrl(options.url)}: ${(error as Error).message}`,
        { cause: error },
      )
    }
    const coordinator = new RedisCoordinator(redis, options)
    await coordinator.#beat()
    coordinator.#timer = setInterval(() => void coordinator.#beat(), coordinator.#heartbeatMs)
    coordinator.#timer.unref()
    return coordinator
  }

  barrier(size: number, options: BarrierOptions = {}): Barrier {
    const name = options.name ?? 'barrier'
    const barrier = new SharedBarrier(
      size,
      options,
      this.shard,
      this.#link(`barrier:${this.#sequence++}:${name}`),
    )
    this.#barriers.push(barrier)
    return barrier
  }

  latch<T>(options: LatchOptions = {}): Latch<T> {
    const name = options.name ?? 'latch'
    const latch = new SharedLatch<T>(options, this.shard, this.#link(`latch:${this.#sequence++}:${name}`))
    this.#latches.push(latch as SharedLatch<unknown>)
    return latch
  }

  /** Sends what is pending, marks this shard closed (not lost) and disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    await Promise.all([...this.#barriers, ...this.#latches].map((shared) => shared.close()))
    const { index } = this.shard
    await this.#redis
      .multi()
      .set(`${this.#prefix}closed:${index}`, '1', 'EX', this.#ttlSeconds)
      .del(`${this.#prefix}alive:${index}`)
      .exec()
      .catch(() => {})
    await this.#redis.quit().catch(() => this.#redis.disconnect())
  }

  #link(name: string) {
    return (onEntry: (shard: number, fields: StreamFields) => void, onError: (error: Error) => void) =>
      new StreamLink({
        writer: this.#redis,
        key: `${this.#prefix}${name}`,
        shard: this.shard.index,
        ttlSeconds: this.#ttlSeconds,
        onEntry,
        onError,
      })
  }

  async #beat(): Promise<void> {
    if (this.#closed) return
    const shards = Array.from({ length: this.shard.count }, (_, i) => i + 1)
    try {
      const [, alive, closed] = (await this.#redis
        .multi()
        .set(`${this.#prefix}alive:${this.shard.index}`, String(Date.now()), 'PX', this.#livenessMs)
        .mget(shards.map((i) => `${this.#prefix}alive:${i}`))
        .mget(shards.map((i) => `${this.#prefix}closed:${i}`))
        .exec()) as [unknown, [null, (string | null)[]], [null, (string | null)[]]]
      for (const i of shards) {
        if (alive[1][i - 1] !== null) this.#seen.add(i)
        else if (this.#seen.has(i) && closed[1][i - 1] === null && !this.#lost.has(i)) this.#lose(i)
      }
    } catch (error) {
      this.#failAll(
        new CoordinatorError(
          'SCALETEST_COORDINATOR_FAILED',
          `coordinator heartbeat failed: ${(error as Error).message}`,
          { cause: error },
        ),
      )
    }
  }

  #lose(index: number): void {
    this.#lost.add(index)
    const label = shardLabel({ index, count: this.shard.count })
    this.#failAll(
      new CoordinatorError(
        'SCALETEST_SHARD_LOST',
        `shard ${label} was lost: no heartbeat for ${this.#livenessMs} ms (run ${this.runId})`,
      ),
    )
  }

  #failAll(error: CoordinatorError): void {
    for (const barrier of this.#barriers) barrier.shardLost(error)
    for (const latch of this.#latches) latch.shardLost(error)
  }
}
