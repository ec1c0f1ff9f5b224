import type { MockName } from './mocks-env.ts'

/** The simulator's first user (owner) for this run; the password is random per run and never logged. */
export interface FirstUserCredentials {
  email: string
  username: string
  password: string
}

export interface MockSetRequest {
  /** Which mocks to start. */
  start: MockName[]
  runId: string
  firstUser: FirstUserCredentials
  /** An SMTP server from the environment for the simulator to mail, when the SMTP mock is not started. */
  externalSmtp?: { host: string; port: number }
  /** An LLM mock from the environment for the simulator's AI Bridge, when the LLM mock is not started. */
  externalLlmUrl?: string
  /** Called with each child process or container as soon as it exists, before it is ready. */
  onChild?: (child: { pid: number } | { containers: true }) => void
}

/** What a provider started, as the test process reaches it. */
export interface StartedMockSet {
  llmUrl?: string
  /** The LLM mock as the coderd simulator reaches it (containers: the run network alias). */
  llmUrlFromCoderd?: string | undefined
  smtpHost?: string
  smtpPort?: number
  smtpApiUrl?: string
  coderUrl?: string
  /** Stops everything it started; idempotent. */
  close(): Promise<void>
  /** For signal handlers: synchronous, best effort (kills child processes). */
  killNow(): void
}

/**
 * Awaits the starts of a mock set together. When one fails, the others are still awaited and
 * closed before the first error is rethrown, so a failed start leaks nothing.
 */
export async function settleStarts<T extends readonly (Promise<Closable> | undefined)[]>(
  starts: [...T],
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starts)
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await Promise.allSettled(settled.map((s) => (s.status === 'fulfilled' ? s.value?.close() : undefined)))
    throw failed.reason
  }
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>
  }
}

interface Closable {
  close(): Promise<void>
}

/** Closes every item even when one fails; rethrows the first failure. */
export async function closeAll(items: Array<{ close(): Promise<void> } | undefined>): Promise<void> {
  const results = await Promise.allSettled(items.map((item) => item?.close()))
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
}
