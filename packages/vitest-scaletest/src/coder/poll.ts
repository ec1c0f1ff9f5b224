import { setTimeout as sleep } from 'node:timers/promises'

import { CoderTimeoutError } from './errors.ts'
import type { ProvisionerJobStatus } from './schemas.ts'

export interface PollOptions {
  signal?: AbortSignal
  /** Poll interval. Default 500 ms (Coder's workspacebuild runner). */
  intervalMs?: number
  /** Give up after this long. Default 10 minutes. */
  timeoutMs?: number
}

export const ACTIVE_JOB_STATUSES: ReadonlySet<ProvisionerJobStatus> = new Set([
  'pending',
  'running',
  'canceling',
])

/** Fetches until `done(value)` holds, sleeping `intervalMs` between reads. */
export async function pollUntil<T>(
  what: string,
  read: (signal: AbortSignal) => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions & { describe?: (value: T) => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 600_000
  const deadline = AbortSignal.timeout(timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline
  let last: T | undefined
  try {
    for (;;) {
      last = await read(signal)
      if (done(last)) return last
      await sleep(options.intervalMs ?? 500, undefined, { signal })
    }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason
    if (deadline.aborted && !options.signal?.aborted) {
      const seen = last !== undefined && options.describe ? options.describe(last) : undefined
      throw new CoderTimeoutError(what, timeoutMs, seen)
    }
    throw error
  }
}
