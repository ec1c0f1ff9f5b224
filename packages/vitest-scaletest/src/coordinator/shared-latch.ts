// A Latch that one shard sets (or fails) for every shard of the run: the value travels as JSON on
// the latch's Redis stream, and the first entry wins (one shard should own each latch: the leader
// for the run's trigger).

import { CoordinatorError } from '../errors.ts'
import type { ShardIdentity } from '../shard/identity.ts'
import { Latch, type LatchOptions } from '../sync/latch.ts'
import type { LinkFactory } from './shared-barrier.ts'
import type { StreamFields, StreamLink } from './stream-link.ts'

export class SharedLatch<T> extends Latch<T> {
  readonly #shard: ShardIdentity
  readonly #link: StreamLink
  #closing: Promise<void> | undefined

  constructor(options: LatchOptions, shard: ShardIdentity, link: LinkFactory) {
    super(options)
    this.#shard = shard
    this.#link = link(
      (from, fields) => this.#apply(from, fields),
      (error) =>
        this.shardLost(
          new CoordinatorError(
            'SCALETEST_COORDINATOR_FAILED',
            `${this.name}: coordinator: ${error.message}`,
            {
              cause: error,
            },
          ),
        ),
    )
  }

  override set(value: T): boolean {
    if (!super.set(value)) return false
    this.#link.send({ kind: 'set', value: JSON.stringify(value) })
    void this.close()
    return true
  }

  override fail(error: unknown): boolean {
    if (!super.fail(error)) return false
    this.#link.send({ kind: 'fail', detail: error instanceof Error ? error.message : String(error) })
    void this.close()
    return true
  }

  /** Another shard is gone (or Redis failed) while this latch was pending: fail it here. */
  shardLost(error: Error): void {
    if (super.fail(error)) void this.close()
  }

  close(): Promise<void> {
    this.#closing ??= this.#link.close()
    return this.#closing
  }

  #apply(from: number, fields: StreamFields): void {
    if (this.state !== 'pending') return
    if (fields.kind === 'set') super.set(JSON.parse(fields.value ?? 'null') as T)
    else if (fields.kind === 'fail')
      super.fail(
        new CoordinatorError(
          'SCALETEST_SHARD_FAILED',
          `${this.name}: shard ${from}/${this.#shard.count} failed it: ${fields.detail}`,
        ),
      )
    else return
    void this.close()
  }
}
