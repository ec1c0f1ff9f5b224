import { randomUUID } from 'node:crypto'

import type { MockEndpoints } from '../context.ts'
import { chooseProvider } from './choose-provider.ts'
import { loginFirstUser, newFirstUser } from './first-user.ts'
import type { MockSetRequest, StartedMockSet } from './mock-set.ts'
import { mocksToStart, readMocksEnv } from './mocks-env.ts'
import { RunReaperClient } from './run-reaper-client.ts'
import { startContainerMocks } from './start-container-mocks.ts'
import { startInprocessMocks } from './start-inprocess-mocks.ts'
import { startProcessMocks } from './start-process-mocks.ts'

export interface RunMocks {
  endpoints: MockEndpoints
  /** Label value (`org.scaletest.run-id`) of this run's containers and networks. */
  runId: string
  /** Stops every mock of the run; idempotent. */
  close(): Promise<void>
}

export interface StartMocksOptions {
  env?: NodeJS.ProcessEnv
  log?: (line: string) => void
}

const starters = {
  container: startContainerMocks,
  process: startProcessMocks,
  inprocess: startInprocessMocks,
} as const

/**
 * Starts the mocks of one test run as the environment asks (see readMocksEnv and chooseProvider),
 * logs one line saying which provider and why, and returns their endpoints. Child processes and
 * containers are also handed to a detached run reaper, and killed at once on SIGINT/SIGTERM, so
 * nothing outlives an interrupted run.
 */
export async function startMocks(options: StartMocksOptions = {}): Promise<RunMocks> {
  const env = readMocksEnv(options.env ?? process.env)
  const log = options.log ?? ((line: string) => console.log(line))
  const probe = async () => (await import('@scaletest/mocks/containers')).probeDocker()
  const choice = await chooseProvider(env, probe)
  const runId = env.runId ?? randomUUID()
  const toStart = mocksToStart(env)
  const external = Object.entries(env.external)
    .filter(([key, value]) => value !== undefined && key !== 'coderSessionToken')
    .map(([key]) => key)
  log(
    `[scaletest] mocks: ${choice.provider} (${choice.reason})` +
      (choice.provider === 'external' ? '' : `; starting ${toStart.join(', ')}`) +
      (external.length > 0 ? `; from the environment: ${external.join(', ')}` : ''),
  )

  const firstUser = newFirstUser()
  let started: StartedMockSet | undefined
  let reaper: RunReaperClient | undefined
  // Vitest exits on SIGINT/SIGTERM by itself; where nobody else listens (a script calling
  // startMocks), a listener would swallow the signal, so it is raised again after the cleanup.
  const othersExit = {
    SIGINT: process.listenerCount('SIGINT') > 0,
    SIGTERM: process.listenerCount('SIGTERM') > 0,
  }
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    started?.killNow()
    if (!othersExit[signal]) process.kill(process.pid, signal)
  }
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      try {
        await started?.close()
      } finally {
        reaper?.dismiss()
      }
    })()
    return closing
  }

  if (choice.provider !== 'external' && toStart.length > 0) {
    if (choice.provider !== 'inprocess') reaper = new RunReaperClient(runId)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const request: MockSetRequest = {
      start: toStart,
      runId,
      firstUser,
      externalSmtp:
        env.external.smtpHost && env.external.smtpPort
          ? { host: env.external.smtpHost, port: env.external.smtpPort }
          : undefined,
      externalLlmUrl: env.external.llmUrl,
      onChild: (child) => ('pid' in child ? reaper?.watchPid(child.pid) : reaper?.watchContainers()),
    }
    try {
      started = await starters[choice.provider](request)
    } catch (error) {
      await close().catch(() => {})
      throw error
    }
  }

  try {
    const coderUrl = started?.coderUrl ?? env.external.coderUrl
    const coderSessionToken = started?.coderUrl
      ? await loginFirstUser(started.coderUrl, firstUser)
      : env.external.coderSessionToken
    const endpoints: MockEndpoints = {
      provider: started ? (choice.provider as MockEndpoints['provider']) : 'external',
      llmUrl: started?.llmUrl ?? env.external.llmUrl,
      llmUrlFromCoderd:
        started && 'llmUrlFromCoderd' in started
          ? (started.llmUrlFromCoderd as string | undefined)
          : undefined,
      smtpHost: started?.smtpHost ?? env.external.smtpHost,
      smtpPort: started?.smtpPort ?? env.external.smtpPort,
      smtpApiUrl: started?.smtpApiUrl ?? env.external.smtpApiUrl,
      coderUrl,
      coderSessionToken,
    }
    return { endpoints: dropUndefined(endpoints), runId, close }
  } catch (error) {
    await close().catch(() => {})
    throw error
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
