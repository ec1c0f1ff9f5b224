// An interrupted or failed run leaves nothing behind: Vitest gets SIGINT (or SIGTERM) mid-test,
// and within 10 s no container labelled with that run's id, and no mock process, exists any more.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'

import { expect, test } from 'vitest'

import { listRunContainers, removeRunResources } from '@scaletest/mocks/containers'
import { testWithDocker } from './support/docker-gate.ts'
import { isAlive, mockCliChildren } from './support/mock-processes.ts'
import { MOCKS_RUN_CONFIG, runVitest } from './support/run-vitest.ts'

const CLEANUP_BOUND_MS = 10_000

async function until<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  boundMs: number,
): Promise<T> {
  const deadline = Date.now() + boundMs
  let value = await read()
  while (!done(value) && Date.now() < deadline) {
    await sleep(200)
    value = await read()
  }
  return value
}

testWithDocker('SIGINT mid-run: every container of the run is removed within 10 s', 120_000, async () => {
  const runId = `interrupt-${randomUUID()}`
  const run = runVitest(MOCKS_RUN_CONFIG, {
    SCALETEST_MOCKS: 'container',
    SCALETEST_RUN_ID: runId,
    FIXTURE_HOLD_MS: '120000',
  })
  try {
    await run.waitFor(/scaletest-fixture: holding/, 90_000)
    expect(await listRunContainers(runId)).toHaveLength(3)

    const sentAt = Date.now()
    run.child.kill('SIGINT')
    const left = await until(
      () => listRunContainers(runId),
      (ids) => ids.length === 0,
      CLEANUP_BOUND_MS,
    )
    expect(left, `containers of run ${runId} left ${Date.now() - sentAt} ms after SIGINT`).toEqual([])
    const exit = await run.exited
    expect(exit.code === 0).toBe(false)
    expect(run.output()).not.toMatch(/scenario passed/)
  } finally {
    run.child.kill('SIGKILL')
    await removeRunResources(runId)
  }
})

test('SIGTERM mid-run: every mock child process is gone within 10 s', { timeout: 60_000 }, async () => {
  const run = runVitest(MOCKS_RUN_CONFIG, { SCALETEST_MOCKS: 'process', FIXTURE_HOLD_MS: '120000' })
  let pids: number[] = []
  try {
    await run.waitFor(/scaletest-fixture: holding/, 45_000)
    pids = mockCliChildren(run.child.pid!)
    expect(pids).toHaveLength(3)

    run.child.kill('SIGTERM')
    const alive = await until(
      () => pids.filter(isAlive),
      (left) => left.length === 0,
      CLEANUP_BOUND_MS,
    )
    expect(alive).toEqual([])
    expect((await run.exited).code === 0).toBe(false)
  } finally {
    run.child.kill('SIGKILL')
    for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL')
  }
})

testWithDocker(
  'a failing test: the run fails and its containers are removed at the end',
  120_000,
  async () => {
    const runId = `failing-${randomUUID()}`
    const run = runVitest(MOCKS_RUN_CONFIG, {
      SCALETEST_MOCKS: 'container',
      SCALETEST_RUN_ID: runId,
      FIXTURE_FAIL: '1',
    })
    try {
      const { code } = await run.exited
      expect(code).toBe(1)
      expect(run.output()).toMatch(/FIXTURE_FAIL=1: this run fails on purpose/)
      expect(await listRunContainers(runId)).toEqual([])
    } finally {
      run.child.kill('SIGKILL')
      await removeRunResources(runId)
    }
  },
)
