import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type RedisServer, startRedis } from '../../test/support/redis-server.ts'
import { ConfigError } from '../errors.ts'
import { coordinatorFromEnv } from './from-env.ts'
import { RedisCoordinator } from './redis-coordinator.ts'

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis[Symbol.asyncDispose]())

let runs = 0
async function shards(count: number, options: { livenessMs?: number } = {}) {
  const runId = `test-${process.pid}-${runs++}`
  const all = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      RedisCoordinator.connect({
        url: redis.url,
        runId,
        shard: { index: i + 1, count },
        heartbeatMs: 100,
        livenessMs: options.livenessMs ?? 1000,
      }),
    ),
  )
  return Object.assign(all, {
    runId,
    async [Symbol.asyncDispose]() {
      await Promise.all(all.map((c) => c.close()))
    },
  })
}

describe('RedisCoordinator', () => {
  it('opens a barrier once the parties of every shard arrived, also for a shard that created it late', async () => {
    await using run = await shards(3)
    const [a, b, c] = run
    const barrierA = a!.barrier(6, { name: 'dial', timeoutMs: 10_000 })
    const barrierB = b!.barrier(6, { name: 'dial', timeoutMs: 10_000 })
    const waits = [barrierA, barrierA, barrierB, barrierB].map((barrier) => barrier.join().arriveAndWait())
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(barrierA.state).toBe('waiting')
    expect(barrierA.arrived).toBe(4)
    const barrierC = c!.barrier(6, { name: 'dial', timeoutMs: 10_000 }) // replays the 4 earlier arrivals
    const party = barrierC.join()
    barrierC.leave() // one party of shard 3 leaves: the barrier no longer waits for it
    await party.arriveAndWait()
    await Promise.all(waits)
    for (const barrier of [barrierA, barrierB, barrierC]) {
      expect(barrier.state).toBe('open')
      expect(barrier.arrived + barrier.left).toBe(6)
      expect(barrier.left).toBe(1)
    }
  })

  it('fails the barrier on every shard when a party on one of them fails', async () => {
    await using run = await shards(2)
    const [a, b] = run
    const barrierA = a!.barrier(4, { name: 'setup' })
    const barrierB = b!.barrier(4, { name: 'setup' })
    const waiting = barrierA.join().arriveAndWait()
    barrierB.fail(new Error('create user: 500'))
    await expect(waiting).rejects.toThrow(/setup: failed .*a party on shard 2\/2 failed: create user: 500/)
    expect(barrierA.state).toBe('failed')
  })

  it('refuses a barrier that shards made with different sizes', async () => {
    await using run = await shards(2)
    const [a, b] = run
    const barrierA = a!.barrier(4, { name: 'dial' })
    const barrierB = b!.barrier(5, { name: 'dial' })
    barrierB.done()
    await expect(barrierA.wait()).rejects.toThrow(
      /shard 2\/2 made this barrier with 5 parties, shard 1\/2 with 4/,
    )
  })

  it('carries one shard’s latch value to the others, also to a latch made later', async () => {
    await using run = await shards(3)
    const [a, b, c] = run
    const early = b!.latch<number>({ name: 'trigger' })
    a!.latch<number>({ name: 'trigger' }).set(1_700_000_000_123)
    expect(await early.wait({ timeoutMs: 5000 })).toBe(1_700_000_000_123)
    const late = c!.latch<number>({ name: 'trigger' })
    expect(await late.wait({ timeoutMs: 5000 })).toBe(1_700_000_000_123)
    const failed = b!.latch<number>({ name: 'second' })
    a!.latch<number>({ name: 'second' }).fail(new Error('delete template: 403'))
    await expect(failed.wait({ timeoutMs: 5000 })).rejects.toThrow(
      /second: shard 1\/3 failed it: delete template: 403/,
    )
  })

  it('fails every waiting barrier, naming the shard, when a shard process is killed', async () => {
    const runId = `killed-${process.pid}`
    const survivor = await RedisCoordinator.connect({
      url: redis.url,
      runId,
      shard: { index: 1, count: 2 },
      heartbeatMs: 100,
      livenessMs: 1000,
    })
    try {
      const barrier = survivor.barrier(3, { name: 'gate', timeoutMs: 30_000 })
      const child = spawn(
        process.execPath,
        [join(import.meta.dirname, '../../test/fixtures/shard/party.ts'), redis.url, runId, '2', '2', '3'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
      const [line] = await once(child.stdout!, 'data')
      expect(String(line)).toContain('arrived')
      const waiting = barrier.join().arriveAndWait()
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(barrier.arrived).toBe(2) // the child's party and ours; the third never comes
      const started = Date.now()
      child.kill('SIGKILL')
      await expect(waiting).rejects.toThrow(
        /gate: failed with 2\/3 arrived: shard 2\/2 was lost: no heartbeat for 1000 ms/,
      )
      expect(Date.now() - started).toBeLessThan(25_000) // well inside the barrier timeout
    } finally {
      await survivor.close()
    }
  })

  it('names an unreachable coordinator without its password', async () => {
    await expect(
      RedisCoordinator.connect({
        url: 'redis://:s3cret-pass@127.0.0.1:1',
        runId: 'x',
        shard: { index: 1, count: 1 },
      }),
    ).rejects.toThrow(/cannot reach the coordinator at redis:\/\/.*127\.0\.0\.1:1/)
    await RedisCoordinator.connect({
      url: 'redis://:s3cret-pass@127.0.0.1:1',
      runId: 'x',
      shard: { index: 1, count: 1 },
    }).catch((error: Error) => expect(error.message).not.toContain('s3cret-pass'))
  })
})

describe('coordinatorFromEnv', () => {
  it('is in-process without a coordinator URL, and refuses cross-shard barriers on a shard of several', async () => {
    const local = await coordinatorFromEnv({}, { scope: 't' })
    expect(local.shard).toEqual({ index: 1, count: 1 })
    expect(local.barrier(1).size).toBe(1)
    const lonely = await coordinatorFromEnv({ SCALETEST_SHARD: '2/3' }, { scope: 't' })
    expect(() => lonely.barrier(3, { name: 'dial' })).toThrow(
      /barrier 'dial' spans every shard, but shard 2\/3 has no coordinator: set SCALETEST_COORDINATOR_URL/,
    )
  })

  it('needs a run id and a redis URL with a coordinator', async () => {
    await expect(
      coordinatorFromEnv({ SCALETEST_COORDINATOR_URL: redis.url }, { scope: 't' }),
    ).rejects.toThrow(ConfigError)
    await expect(
      coordinatorFromEnv({ SCALETEST_COORDINATOR_URL: 'http://x', SCALETEST_RUN_ID: 'r' }, { scope: 't' }),
    ).rejects.toThrow(/must be a redis:\/\/ or rediss:\/\/ URL/)
    const shared = await coordinatorFromEnv(
      { SCALETEST_COORDINATOR_URL: redis.url, SCALETEST_RUN_ID: 'r1', SCALETEST_SHARD: '1/1' },
      { scope: 't' },
    )
    expect(shared).toBeInstanceOf(RedisCoordinator)
    await shared.close()
  })
})
