import { setTimeout as sleep } from 'node:timers/promises'

import { afterAll, describe, expect } from 'vitest'

import { loadConfig } from './config.ts'
import { MocksNotConfiguredError } from './errors.ts'
import { resolveMocks, scaleTest } from './fixtures.ts'
import type { HarnessResults } from './harness/results.ts'

type Task = { meta: { scaletest?: { harness?: unknown[]; metrics?: unknown } } }

const seen: {
  cleanupFailedTask?: Task
  failedTask?: Task
  timedOutTask?: Task
  passedTask?: Task
  cleaned: string[]
  barrierError?: unknown
} = {
  cleaned: [],
}

describe('scaletest fixtures', () => {
  scaleTest('provides the typed config and a logger', ({ config, logger }) => {
    expect({ ...config, seed: 0 }).toEqual({ ...loadConfig(process.env), seed: 0 })
    expect(config.concurrency).toBeGreaterThanOrEqual(0)
    expect(typeof logger.info).toBe('function')
  })

  scaleTest('the mocks fixture without the scaletest globalSetup fails with a clear error', () => {
    expect(() => resolveMocks()).toThrow(MocksNotConfiguredError)
    expect(() => resolveMocks()).toThrow(/needs the scaletest globalSetup/)
  })

  scaleTest('harness results and metrics land in task.meta.scaletest', async ({ harness, metrics, task }) => {
    seen.passedTask = task as unknown as Task
    harness.add('fixture', 'a', { run: ({ log }) => log('hello') })
    metrics.counter('fixture_runs_total').inc()
    const results = await harness.run()
    expect(results).toHaveNoFailures()
  })

  scaleTest.fails('cleans up after a failed test', async ({ harness, task }) => {
    seen.failedTask = task as unknown as Task
    harness.add('fixture', 'failing', {
      run: () => {},
      cleanup: ({ fullId }) => void seen.cleaned.push(fullId),
    })
    await harness.run()
    throw new Error('the test body failed after the run')
  })

  scaleTest.fails(
    'cleans up interrupted runs when the test times out',
    { timeout: 150 },
    async ({ harness, task }) => {
      seen.timedOutTask = task as unknown as Task
      harness.add('fixture', 'stuck', {
        run: ({ signal }) => sleep(30_000, undefined, { signal }),
        cleanup: ({ fullId }) => void seen.cleaned.push(fullId),
      })
      await harness.run()
    },
  )

  scaleTest.fails('a failed cleanup fails an otherwise passing test', async ({ harness, task }) => {
    seen.cleanupFailedTask = task as unknown as Task
    harness.add('fixture', 'leaky', {
      run: () => {},
      cleanup: () => {
        throw new Error('workspace still exists')
      },
    })
    expect(await harness.run()).toHaveNoFailures()
  })

  scaleTest('barriers left waiting are released at teardown', async ({ barrier, waitBuffer }) => {
    const dialed = barrier(2, { name: 'dialed' })
    dialed.wait().catch((err: unknown) => {
      seen.barrierError = err
    })
    const buffer = waitBuffer()
    buffer.write('x')
    await expect(buffer.waitFor('x')).resolves.toMatchObject({ index: 0 })
  })

  afterAll(() => {
    const passed = seen.passedTask?.meta.scaletest
    expect(passed?.harness).toHaveLength(1)
    const results = passed?.harness?.[0] as HarnessResults
    expect(results.total_pass).toBe(1)
    expect(results.runs['fixture/a']?.logs).toContain('hello')
    expect(results.cleanup).toMatchObject({ total: 0, total_fail: 0 })
    expect(passed?.metrics).toMatchObject({ metrics: { fixture_runs_total: { type: 'counter' } } })

    expect(seen.cleaned).toEqual(['fixture/failing', 'fixture/stuck'])
    const failed = seen.failedTask?.meta.scaletest?.harness?.[0] as HarnessResults
    expect(failed.cleanup?.total).toBe(1)
    const timedOut = seen.timedOutTask?.meta.scaletest?.harness?.[0] as HarnessResults
    expect(timedOut.runs['fixture/stuck']?.error).toMatch(/run interrupted/)
    const leaky = seen.cleanupFailedTask?.meta.scaletest?.harness?.[0] as HarnessResults
    expect(leaky.total_fail).toBe(0)
    expect(leaky.cleanup).toMatchObject({
      total_fail: 1,
      errors: { 'fixture/leaky': 'workspace still exists' },
    })
    expect(seen.barrierError).toMatchObject({ code: 'SCALETEST_BARRIER_ABORTED' })
  })
})
