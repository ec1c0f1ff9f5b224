// Which failures are worth retrying, and how long to wait between attempts.

import { setTimeout as sleep } from 'node:timers/promises'

export interface RetryPolicy {
  /** Extra attempts after the first; 0 disables retries. */
  retries: number
  /** First backoff; doubles (×factor) each attempt up to maxDelayMs, with jitter. */
  minDelayMs: number
  maxDelayMs: number
  factor: number
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, minDelayMs: 50, maxDelayMs: 2_000, factor: 2 }

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])

/** RFC 9110 idempotent methods; POST and PATCH need an explicit opt-in. */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase())
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

/** The error code of a transport failure (looking through `cause`), or undefined if it is not one. */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as Error).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code
  }
  return undefined
}

/** Backoff before retry number `attempt` (1-based): exponential with "equal jitter". */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** (attempt - 1))
  return base / 2 + (random() * base) / 2
}

export async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal })
    return true
  } catch {
    return false
  }
}
