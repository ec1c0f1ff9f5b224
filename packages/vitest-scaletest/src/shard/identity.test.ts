import { describe, expect, it } from 'vitest'

import { ConfigError } from '../errors.ts'
import { TestHarness } from '../harness/test-harness.ts'
import { ownsPosition, shardFromEnv, shardRange } from './identity.ts'

describe('shard identity', () => {
  it('reads SCALETEST_SHARD, or JOB_COMPLETION_INDEX with SCALETEST_SHARD_COUNT', () => {
    expect(shardFromEnv({})).toEqual({ index: 1, count: 1 })
    expect(shardFromEnv({ SCALETEST_SHARD: '2/3' })).toEqual({ index: 2, count: 3 })
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0', SCALETEST_SHARD_COUNT: '4' })).toEqual({
      index: 1,
      count: 4,
    })
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '3', SCALETEST_SHARD_COUNT: '4' })).toEqual({
      index: 4,
      count: 4,
    })
  })

  it.each([
    [{ SCALETEST_SHARD: '0/3' }, /SCALETEST_SHARD='0\/3' must be i\/n/],
    [{ SCALETEST_SHARD: '4/3' }, /must be i\/n with 1 <= i <= n/],
    [{ SCALETEST_SHARD: 'two' }, /SCALETEST_SHARD='two'/],
    [{ JOB_COMPLETION_INDEX: '1' }, /SCALETEST_SHARD_COUNT must be the number of shards/],
    [{ JOB_COMPLETION_INDEX: '4', SCALETEST_SHARD_COUNT: '4' }, /JOB_COMPLETION_INDEX='4' must be 0..3/],
  ])('refuses %o', (env, message) => {
    expect(() => shardFromEnv(env)).toThrow(ConfigError)
    expect(() => shardFromEnv(env)).toThrow(message)
  })

  it('splits positions and ranges into disjoint shares that cover everything', () => {
    const owners = Array.from({ length: 10 }, (_, p) =>
      [1, 2, 3].filter((index) => ownsPosition({ index, count: 3 }, p)),
    )
    expect(owners.every((o) => o.length === 1)).toBe(true)
    expect(owners.flat()).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1])
    const ranges = [1, 2, 3].map((index) => shardRange({ index, count: 3 }, 10))
    expect(ranges).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 7 },
      { start: 7, end: 10 },
    ])
  })

  it("keeps the harness's share of the runs added", () => {
    const shares = [1, 2].map((index) => {
      const harness = new TestHarness({ shard: { index, count: 2 } })
      const kept = Array.from({ length: 5 }, (_, i) => harness.add('t', i, { run: async () => {} }))
      return { kept, size: harness.size }
    })
    expect(shares[0]).toEqual({ kept: [true, false, true, false, true], size: 3 })
    expect(shares[1]).toEqual({ kept: [false, true, false, true, false], size: 2 })
  })
})
