// `scaletest`: Vitest's test extended with the scale-test fixtures. Teardown cleans up what a test
// created (also after a failure or timeout) and leaves results in task.meta.scaletest for the reporter.

import { test as base, inject, type TestContext } from 'vitest'

import { CoderClient } from './coder/client.ts'
import { loadConfig, type ScaletestConfig } from './config.ts'
import type { MockEndpoints, ScaletestTaskMeta } from './context.ts'
import { type Coordinator, coordinatorFromEnv } from './coordinator/index.ts'
import { CleanupError, ConfigError, MocksNotConfiguredError } from './errors.ts'
import { createLogger } from './harness/logger.ts'
import { formatResultsText } from './harness/results.ts'
import { fromConcurrency } from './harness/strategies.ts'
import { TestHarness } from './harness/test-harness.ts'
import { BYPASS_RATELIMIT_HEADER, type HttpClientOptions } from './http/http-client.ts'
import { registerLiveSource } from './live.ts'
import { MetricsRecorder } from './metrics/index.ts'
import { isLeader, type ShardIdentity } from './shard/identity.ts'
import type { Barrier, BarrierOptions } from './sync/barrier.ts'
import type { Latch, LatchOptions } from './sync/latch.ts'
import { WaitBuffer, type WaitBufferOptions } from './sync/wait-buffer.ts'
import './matchers.ts'

export type BarrierFactory = (size: number, options?: BarrierOptions) => Barrier
export type LatchFactory = <T>(options?: LatchOptions) => Latch<T>

/** This process's place in the run: its shard, the run id shared by all shards, and who leads. */
export interface ShardContext extends ShardIdentity {
  readonly runId: string
  /** Shard 1: the one that does the run's one-off work (the trigger). */
  readonly leader: boolean
}
export type WaitBufferFactory = <E = unknown>(options?: WaitBufferOptions<E>) => WaitBuffer<E>

function taskMeta(task: TestContext['task']): ScaletestTaskMeta {
  task.meta.scaletest ??= {}
  return task.meta.scaletest
}

/** The endpoints the scaletest globalSetup provided, or a clear error when it is not configured. */
export function resolveMocks(): MockEndpoints {
  const mocks = inject('scaletestMocks') as MockEndpoints | undefined
  if (!mocks) throw new MocksNotConfiguredError()
  return mocks
}

/** HTTP defaults for runner clients, from the config. */
export function httpDefaults(config: ScaletestConfig): HttpClientOptions {
  return {
    timeoutMs: config.httpTimeoutMs,
    retry: { retries: config.httpRetries },
    headers: config.bypassRatelimit ? { [BYPASS_RATELIMIT_HEADER]: 'true' } : {},
  }
}

export const scaleTest = base
  .extend('config', { scope: 'worker' }, () => loadConfig(process.env))
  .extend('logger', { scope: 'worker' }, ({ config }) => createLogger({ level: config.logLevel }))
  .extend('mocks', () => resolveMocks())
  .extend('coder', ({ mocks, config }, { onCleanup }) => {
    if (!mocks.coderUrl || !mocks.coderSessionToken) {
      throw new ConfigError(
        ['CODER_URL', 'CODER_SESSION_TOKEN'],
        'the coder fixture needs a target: set CODER_URL and CODER_SESSION_TOKEN, ' +
          'or let the scaletest globalSetup start the coderd simulator',
      )
    }
    const client = new CoderClient({
      url: mocks.coderUrl,
      sessionToken: mocks.coderSessionToken,
      bypassRateLimit: config.bypassRatelimit,
      timeoutMs: config.httpTimeoutMs,
    })
    onCleanup(() => client.close())
    return client
  })
  .extend('metrics', ({ task, config }, { onCleanup }) => {
    const recorder = new MetricsRecorder(
      config.reportIntervalMs > 0 ? { intervalMs: config.reportIntervalMs } : {},
    )
    const unregister = registerLiveSource(task.id, 'metrics', () => recorder.liveSnapshot())
    onCleanup(() => {
      unregister()
      recorder.stopIntervals()
      taskMeta(task).metrics = recorder.toJSON()
    })
    return recorder
  })
  .extend('coordinator', async ({ task }, { onCleanup }): Promise<Coordinator> => {
    const coordinator = await coordinatorFromEnv(process.env, { scope: task.id })
    onCleanup(() => coordinator.close())
    return coordinator
  })
  .extend('shard', ({ coordinator, task }): ShardContext => {
    const { shard, runId } = coordinator
    if (shard.count > 1) taskMeta(task).shard = { index: shard.index, count: shard.count, runId }
    return { index: shard.index, count: shard.count, runId, leader: isLeader(shard) }
  })
  .extend('barrier', ({ signal, coordinator, task }, { onCleanup }) => {
    const barriers: Barrier[] = []
    onCleanup(() => {
      if (barriers.length > 0) taskMeta(task).barriers = barriers.map((b) => b.stats())
      for (const barrier of barriers) barrier.cancel('the test finished')
    })
    const factory: BarrierFactory = (size, options = {}) => {
      const barrier = coordinator.barrier(size, {
        ...options,
        signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal,
      })
      barriers.push(barrier)
      return barrier
    }
    return factory
  })
  .extend('latch', ({ coordinator }) => {
    const factory: LatchFactory = <T>(options?: LatchOptions) => coordinator.latch<T>(options)
    return factory
  })
  .extend('waitBuffer', ({ signal }, { onCleanup }) => {
    const buffers: WaitBuffer<unknown>[] = []
    const onAbort = () => {
      for (const buffer of buffers) buffer.close()
    }
    signal.addEventListener('abort', onAbort, { once: true })
    onCleanup(() => {
      signal.removeEventListener('abort', onAbort)
      onAbort()
    })
    const factory: WaitBufferFactory = <E>(options?: WaitBufferOptions<E>) => {
      const buffer = new WaitBuffer<E>(options)
      buffers.push(buffer as WaitBuffer<unknown>)
      return buffer
    }
    return factory
  })
  .extend('harness', ({ config, logger, task, signal, shard }, { onCleanup }) => {
    const harness = new TestHarness({
      shard,
      strategy: fromConcurrency(config.concurrency),
      cleanupStrategy: fromConcurrency(config.cleanupConcurrency),
      timeoutMs: config.timeoutMs,
      jobTimeoutMs: config.jobTimeoutMs,
      cleanupTimeoutMs: config.cleanupTimeoutMs,
      cleanupJobTimeoutMs: config.cleanupJobTimeoutMs,
      signal,
      http: httpDefaults(config),
      ...(config.teeLogs
        ? { onLog: (fullId: string, line: string) => logger.info(`[${fullId}] ${line}`) }
        : {}),
    })
    const unregister = registerLiveSource(task.id, 'harness', () => harness.progress())
    onCleanup(async () => {
      unregister()
      if (harness.state === 'running') harness.abort('the test ended before harness.run() settled')
      await harness.settled()
      let cleanup: Awaited<ReturnType<TestHarness['cleanup']>> | undefined
      if (config.skipCleanup) {
        logger.warn(`SCALETEST_SKIP_CLEANUP is set: leaving the resources of ${harness.size} run(s) in place`)
        await harness.close()
      } else {
        cleanup = await harness.cleanup()
      }
      const results = harness.tryResults()
      if (results) {
        const meta = taskMeta(task)
        meta.harness = [...(meta.harness ?? []), results]
        if (results.total_fail > 0)
          logger.warn(`harness results of "${task.name}":\n${formatResultsText(results)}`)
      }
      if (cleanup && cleanup.total_fail > 0) throw new CleanupError(cleanup.errors)
    })
    return harness
  })
