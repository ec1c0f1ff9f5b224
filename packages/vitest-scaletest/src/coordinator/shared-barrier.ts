// A Barrier whose parties are spread over every shard of a run. Each shard keeps a full local copy:
// its own arrivals count at once and are appended to the barrier's Redis stream (batched per
// turn of the event loop); the other shards' entries are replayed into the copy. So the API, the
// errors and the party semantics are Barrier's, and the copy opens when all `size` parties in all
// shards arrived or left. A failed party fails it everywhere; a vanished shard fails it everywhere.

import { CoordinatorError } from '../errors.ts'
import type { ShardIdentity } from '../shard/identity.ts'
import { Barrier, type BarrierOptions } from '../sync/barrier.ts'
import type { StreamFields, StreamLink } from './stream-link.ts'

export type LinkFactory = (
  onEntry: (shard: number, fields: StreamFields) => void,
  onError: (e: Error) => void,
) => StreamLink

export class SharedBarrier extends Barrier {
  readonly #shard: ShardIdentity
  readonly #link: StreamLink
  #done = 0
  #left = 0
  #flushScheduled = false
  #closing: Promise<void> | undefined

  constructor(size: number, options: BarrierOptions, shard: ShardIdentity, link: LinkFactory) {
    super(size, options)
    this.#shard = shard
    this.#link = link(
      (from, fields) => this.#apply(from, fields),
      (error) =>
        this.#failHere(
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

  override done(): void {
    super.done()
    this.#done++
    this.#schedule()
  }

  override leave(): void {
    super.leave()
    this.#left++
    this.#schedule()
  }

  override fail(cause?: unknown): void {
    const wasWaiting = this.state === 'waiting'
    super.fail(cause)
    if (!wasWaiting) return
    const detail =
      cause instanceof Error ? cause.message : cause === undefined ? 'a party failed' : String(cause)
    this.#flush()
    this.#link.send({ kind: 'fail', detail })
  }

  /** Another shard is gone: fail this copy (locally; every shard sees the loss itself). */
  shardLost(error: CoordinatorError): void {
    this.#failHere(error)
  }

  /** Sends what is pending and stops replaying. Called when the run's coordinator closes. */
  close(): Promise<void> {
    this.#flush()
    this.#closing ??= this.#link.close()
    return this.#closing
  }

  #failHere(error: Error): void {
    if (this.state === 'waiting') super.fail(error)
  }

  #schedule(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => {
      this.#flushScheduled = false
      this.#flush()
      if (this.state === 'open') void this.close()
    })
  }

  #flush(): void {
    if (this.#done === 0 && this.#left === 0) return
    this.#link.send({
      kind: 'count',
      size: String(this.size),
      done: String(this.#done),
      left: String(this.#left),
    })
    this.#done = 0
    this.#left = 0
  }

  #apply(from: number, fields: StreamFields): void {
    const party = `shard ${from}/${this.#shard.count}`
    if (fields.kind === 'fail') {
      this.#failHere(
        new CoordinatorError(
          'SCALETEST_SHARD_FAILED',
          `${this.name}: a party on ${party} failed: ${fields.detail}`,
        ),
      )
      return
    }
    if (fields.kind !== 'count') return
    if (Number(fields.size) !== this.size) {
      this.#failHere(
        new CoordinatorError(
          'SCALETEST_SHARD_FAILED',
          `${this.name}: ${party} made this barrier with ${fields.size} parties, shard ` +
            `${this.#shard.index}/${this.#shard.count} with ${this.size}`,
        ),
      )
      return
    }
    try {
      for (let i = Number(fields.done); i > 0; i--) super.done()
      for (let i = Number(fields.left); i > 0; i--) super.leave()
    } catch (error) {
      this.#failHere(error as Error)
    }
    if (this.state === 'open') void this.close()
  }
}
