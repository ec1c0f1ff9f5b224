// Which share of a scenario's load this process runs. One scenario file split over N processes (or
// Kubernetes pods): shard i of n takes every run whose add() position p has p % n === i - 1, so the
// shares are disjoint, cover every run, and need no agreement beyond (i, n).

import { ConfigError } from '../errors.ts'

export interface ShardIdentity {
  /** 1-based, as `--shard=i/n` and SCALETEST_SHARD spell it. */
  readonly index: number
  readonly count: number
}

export const SINGLE_SHARD: ShardIdentity = Object.freeze({ index: 1, count: 1 })

/** `2/3`. */
export function shardLabel(shard: ShardIdentity): string {
  return `${shard.index}/${shard.count}`
}

/** Shard 1 does the run's one-off work (the trigger, setup that exists once). */
export function isLeader(shard: ShardIdentity): boolean {
  return shard.index === 1
}

/** Whether the run at add() position `position` (0-based) is this shard's. */
export function ownsPosition(shard: ShardIdentity, position: number): boolean {
  return position % shard.count === shard.index - 1
}

/**
 * This shard's contiguous slice [start, end) of `total` items, as Coder's `--target-workspaces
 * START:END` selects a fleet by hand: sizes differ by at most one, earlier shards take the extra.
 */
export function shardRange(shard: ShardIdentity, total: number): { start: number; end: number } {
  const base = Math.floor(total / shard.count)
  const extra = total % shard.count
  const i = shard.index - 1
  const start = i * base + Math.min(i, extra)
  return { start, end: start + base + (i < extra ? 1 : 0) }
}

/**
 * SCALETEST_SHARD=i/n, or Kubernetes' JOB_COMPLETION_INDEX (0-based, set in Indexed Job pods) with
 * SCALETEST_SHARD_COUNT. Unset: one shard.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): ShardIdentity {
  const spec = env.SCALETEST_SHARD
  if (spec) {
    const match = /^(\d+)\/(\d+)$/.exec(spec.trim())
    const index = Number(match?.[1])
    const count = Number(match?.[2])
    if (!match || count < 1 || index < 1 || index > count)
      throw new ConfigError(
        ['SCALETEST_SHARD'],
        `SCALETEST_SHARD='${spec}' must be i/n with 1 <= i <= n, e.g. 2/3`,
      )
    return { index, count }
  }
  const completionIndex = env.JOB_COMPLETION_INDEX
  if (completionIndex === undefined || completionIndex === '') return SINGLE_SHARD
  const count = Number(env.SCALETEST_SHARD_COUNT)
  if (!Number.isInteger(count) || count < 1)
    throw new ConfigError(
      ['SCALETEST_SHARD_COUNT'],
      `JOB_COMPLETION_INDEX is set (${completionIndex}), so SCALETEST_SHARD_COUNT must be the number of ` +
        `shards (the Job's completions), got '${env.SCALETEST_SHARD_COUNT ?? ''}'`,
    )
  const index = Number(completionIndex) + 1
  if (!Number.isInteger(index) || index < 1 || index > count)
    throw new ConfigError(
      ['JOB_COMPLETION_INDEX'],
      `JOB_COMPLETION_INDEX='${completionIndex}' must be 0..${count - 1} (SCALETEST_SHARD_COUNT=${count})`,
    )
  return { index, count }
}
