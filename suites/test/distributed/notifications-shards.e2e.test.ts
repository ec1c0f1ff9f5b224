// suites/notifications split over three shard processes, as Kubernetes pods of an Indexed Job run
// it: one simulator and one SMTP mock, a real redis-server coordinating the barriers and the one
// trigger, a blob report per shard and `vitest --merge-reports` making one result of them.

import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { Redis } from 'ioredis'
import { afterEach, expect, it } from 'vitest'

import { startRedis } from '../../../packages/vitest-scaletest/test/support/redis-server.ts'
import {
  type NotificationsTarget,
  runNotificationsScenario,
  startNotificationsTarget,
} from '../support/notifications-target.ts'
import { spawnVitest } from '../support/spawn-scenario.ts'

const USERS = 30 // 20 % template admins: 6 receivers, 2 on each shard
// Holds on each shard alone (2 websocket deliveries), not on the run (6).
const PER_SHARD_ONLY = JSON.stringify({
  'notification_delivery_latency_seconds{notification_type="websocket"}': ['count<5'],
})
const teardown: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

it('runs as 3 shards with Redis barriers and one trigger, and merges to what one process measures', async () => {
  const { target, redisUrl } = await startTargets()
  const blobs = await tempDir('scaletest-blobs-')
  const startedAt = Date.now()
  const shards = [1, 2, 3].map((i) =>
    runScenario(
      target,
      {
        SCALETEST_SHARD: `${i}/3`,
        SCALETEST_COORDINATOR_URL: redisUrl,
        SCALETEST_RUN_ID: 'e2e-three',
        SCALETEST_THRESHOLDS: PER_SHARD_ONLY,
      },
      ['--reporter=blob', `--outputFile=${join(blobs, `blob-${i}.json`)}`],
    ),
  )
  for (const { code, output } of await Promise.all(shards.map((s) => s.exited))) expect(code, output).toBe(0)
  console.log(`3 shards of ${USERS} users: ${Date.now() - startedAt} ms wall`)

  const merge = await spawnVitest(['run', '--merge-reports', blobs], {
    SCALETEST_OUTPUT_DIR: target.outputDir,
  }).exited
  expect(merge.code, merge.output).toBe(0)
  const merged = await target.results()

  const singleDir = await tempDir('scaletest-single-')
  const single = await runScenario(target, { SCALETEST_OUTPUT_DIR: singleDir }).exited
  expect(single.code, single.output).toBe(0)
  const alone = JSON.parse(await readFile(join(singleDir, 'results.json'), 'utf8')) as Results

  expect(Object.keys(merged.harness.runs).sort()).toEqual(
    Array.from({ length: USERS }, (_, i) => `notifications/${i}`).sort(),
  )
  expect(merged.harness.total_fail).toBe(0)
  expect(counts(merged)).toEqual(counts(alone))
  expect(counts(merged)).toMatchObject({
    'notification_delivery_latency_seconds{notification_type="websocket"}': 6,
    'notification_delivery_latency_seconds{notification_type="smtp"}': 6,
  })
  expect(merged.thresholds.ok).toBe(true)

  // The same blobs judged by the threshold every shard passed alone: the merged verdict fails.
  const strict = await spawnVitest(['run', '--merge-reports', blobs], {
    SCALETEST_OUTPUT_DIR: singleDir,
    SCALETEST_THRESHOLDS: PER_SHARD_ONLY,
  }).exited
  expect(strict.code).toBe(1)
  expect(strict.output).toMatch(
    /threshold notification_delivery_latency_seconds\{.*\} 'count<5' failed: measured 6/,
  )
  expect([...target.coderd.state.users.values()].map((u) => u.username)).toEqual(['owner'])
}, 180_000)

it('fails the others naming a killed shard, cleans up theirs, and the merge reports the missing shard', async () => {
  const { target, redisUrl } = await startTargets()
  const blobs = await tempDir('scaletest-blobs-')
  const env = (i: number) => ({
    SCALETEST_SHARD: `${i}/3`,
    SCALETEST_COORDINATOR_URL: redisUrl,
    SCALETEST_RUN_ID: 'e2e-lost',
    SCALETEST_SHARD_LIVENESS: '8s',
    // shard 3 sets up one user at a time, so it is still short of the dial barrier when killed
    ...(i === 3 && { CODER_SCALETEST_NOTIFICATION_SETUP_CONCURRENCY: '1' }),
  })
  const shards = [1, 2, 3].map((i) =>
    runScenario(target, env(i), ['--reporter=blob', `--outputFile=${join(blobs, `blob-${i}.json`)}`]),
  )
  await waitForHeartbeat(redisUrl, 'e2e-lost', 3)
  const killedAt = Date.now()
  await shards[2]!.kill()

  for (const { code, output } of await Promise.all(shards.slice(0, 2).map((s) => s.exited))) {
    expect(code, output).not.toBe(0)
    expect(output).toMatch(/shard 3\/3 was lost: no heartbeat for 8000 ms/)
  }
  expect(Date.now() - killedAt).toBeLessThan(60_000)
  // Shards 1 and 2 deleted their users; whatever is left was made by the killed shard 3.
  const left = [...target.coderd.state.users.values()].map((u) => u.username).filter((n) => n !== 'owner')
  for (const name of left) expect(Number(name.split('-').at(-1)) % 3, name).toBe(2)

  const merge = await spawnVitest(['run', '--merge-reports', blobs], {
    SCALETEST_OUTPUT_DIR: target.outputDir,
  }).exited
  expect(merge.code).not.toBe(0)
  expect(merge.output).toMatch(/no results from shard 3\/3/)
}, 180_000)

interface Results {
  harness: { total_runs: number; total_fail: number; runs: Record<string, unknown> }
  summary: Record<string, { labels: Record<string, string>; stats: Record<string, number> }[]>
  thresholds: { ok: boolean }
}

/** Observations (or counter value) of every series by notification type, keyed `metric{type}`. */
function counts(results: Results): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [metric, series] of Object.entries(results.summary)) {
    for (const { labels, stats } of series) {
      const key = `${metric}{notification_type="${labels.notification_type}"}`
      out[key] = (out[key] ?? 0) + (stats.count ?? stats.value ?? 0)
    }
  }
  return out
}

async function startTargets() {
  const redis = await startRedis()
  teardown.push(async () => await redis[Symbol.asyncDispose]())
  const target = await startNotificationsTarget<Results>(undefined, teardown)
  return { target, redisUrl: redis.url }
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  teardown.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function waitForHeartbeat(url: string, runId: string, shard: number): Promise<void> {
  const redis = new Redis(url)
  try {
    for (let i = 0; i < 6000; i++) {
      if ((await redis.keys(`scaletest:${runId}:*alive:${shard}`)).length > 0) return
      await sleep(10)
    }
    throw new Error(`shard ${shard} never sent a heartbeat`)
  } finally {
    redis.disconnect()
  }
}

function runScenario(target: NotificationsTarget<Results>, env: NodeJS.ProcessEnv, args: string[] = []) {
  return runNotificationsScenario(
    target,
    { CODER_SCALETEST_NOTIFICATION_USER_COUNT: String(USERS), ...env },
    args,
  )
}
