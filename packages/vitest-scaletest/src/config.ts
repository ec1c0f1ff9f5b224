// Typed scaletest configuration from SCALETEST_* environment variables, with Coder's defaults.
// A bad value fails with a ConfigError naming every offending variable.

import { z } from 'zod'

import { ConfigError } from './errors.ts'
import { parseDuration } from './harness/duration.ts'
import type { LogLevel } from './harness/logger.ts'

const durationVar = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const ms = parseDuration(value ?? fallback)
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30s, 5m, 1h30m, 250ms or 0' })
        return z.NEVER
      }
      return ms
    })

const intVar = (fallback: number, min: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback
      const n = Number(value)
      if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `expected an integer >= ${min}` })
        return z.NEVER
      }
      return n
    })

const boolVar = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback
      const v = value.trim().toLowerCase()
      if (['1', 'true', 'yes', 'on'].includes(v)) return true
      if (['0', 'false', 'no', 'off'].includes(v)) return false
      ctx.addIssue({ code: 'custom', message: 'expected true or false (also 1/0, yes/no, on/off)' })
      return z.NEVER
    })

const optionalIntVar = (min: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined
      const n = Number(value)
      if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `expected an integer >= ${min}` })
        return z.NEVER
      }
      return n
    })

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const satisfies readonly LogLevel[]

export const scaletestEnvSchema = z.object({
  /** 0 = all runs at once, 1 = one at a time, n = at most n at once. */
  SCALETEST_CONCURRENCY: intVar(1, 0),
  /** Whole harness run; 0 = none. */
  SCALETEST_TIMEOUT: durationVar('30m'),
  /** Each run. */
  SCALETEST_JOB_TIMEOUT: durationVar('5m'),
  SCALETEST_CLEANUP_CONCURRENCY: intVar(1, 0),
  SCALETEST_CLEANUP_TIMEOUT: durationVar('30m'),
  SCALETEST_CLEANUP_JOB_TIMEOUT: durationVar('5m'),
  /** Leave created resources in place (for debugging a deployment). */
  SCALETEST_SKIP_CLEANUP: boolVar(false),
  SCALETEST_LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })
    .optional()
    .transform((v) => v ?? 'info'),
  /** Also print every run log line to stderr as it is written. */
  SCALETEST_TEE_LOGS: boolVar(false),
  /** Per HTTP request (until headers, and between body chunks). */
  SCALETEST_HTTP_TIMEOUT: durationVar('30s'),
  /** Retries of idempotent requests on network errors. */
  SCALETEST_HTTP_RETRIES: intVar(3, 0),
  /** Connections per origin of the shared pool used by pollers. */
  SCALETEST_HTTP_POOL_CONNECTIONS: intVar(16, 1),
  /** Send X-Coder-Bypass-Ratelimit: true (needs an owner token on a real deployment). */
  SCALETEST_BYPASS_RATELIMIT: boolVar(true),
  /** Seed for shuffle() and random names; unset = a random seed per worker (config.seed). */
  SCALETEST_SEED: optionalIntVar(0),
  /** Time-series interval of the metrics fixture (report.html, results.json); 0 = no time series. */
  SCALETEST_REPORT_INTERVAL: durationVar('1s').refine((ms) => ms === 0 || ms >= 10, {
    message: 'expected 0 or a duration of at least 10ms',
  }),
})

export interface ScaletestConfig {
  concurrency: number
  timeoutMs: number
  jobTimeoutMs: number
  cleanupConcurrency: number
  cleanupTimeoutMs: number
  cleanupJobTimeoutMs: number
  skipCleanup: boolean
  logLevel: LogLevel
  teeLogs: boolean
  httpTimeoutMs: number
  httpRetries: number
  httpPoolConnections: number
  bypassRatelimit: boolean
  seed: number
  /** 0 = no time series. */
  reportIntervalMs: number
}

/** Reads the SCALETEST_* variables of `env` (default process.env). Throws ConfigError naming each bad one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ScaletestConfig {
  const parsed = scaletestEnvSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?')
      return { name, text: `${name}=${JSON.stringify(env[name])}: ${issue.message}` }
    })
    throw new ConfigError(
      problems.map((p) => p.name),
      `invalid scaletest configuration:\n  ${problems.map((p) => p.text).join('\n  ')}`,
    )
  }
  const v = parsed.data
  return {
    concurrency: v.SCALETEST_CONCURRENCY,
    timeoutMs: v.SCALETEST_TIMEOUT,
    jobTimeoutMs: v.SCALETEST_JOB_TIMEOUT,
    cleanupConcurrency: v.SCALETEST_CLEANUP_CONCURRENCY,
    cleanupTimeoutMs: v.SCALETEST_CLEANUP_TIMEOUT,
    cleanupJobTimeoutMs: v.SCALETEST_CLEANUP_JOB_TIMEOUT,
    skipCleanup: v.SCALETEST_SKIP_CLEANUP,
    logLevel: v.SCALETEST_LOG_LEVEL,
    teeLogs: v.SCALETEST_TEE_LOGS,
    httpTimeoutMs: v.SCALETEST_HTTP_TIMEOUT,
    httpRetries: v.SCALETEST_HTTP_RETRIES,
    httpPoolConnections: v.SCALETEST_HTTP_POOL_CONNECTIONS,
    bypassRatelimit: v.SCALETEST_BYPASS_RATELIMIT,
    seed: v.SCALETEST_SEED ?? Math.floor(Math.random() * 2 ** 31),
    reportIntervalMs: v.SCALETEST_REPORT_INTERVAL,
  }
}
