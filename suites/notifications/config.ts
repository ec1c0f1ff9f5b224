// The notification scenario's knobs, read from the environment variables of Coder's
// `coder exp scaletest notifications` flags. Every bad value is reported before anything is created.

import { z } from 'zod'

import { ConfigError, parseDuration } from '@scaletest/vitest'

const duration = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const ms = parseDuration(value?.trim() || fallback)
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: 'expected a positive duration such as 500ms, 30s or 10m' })
        return z.NEVER
      }
      return ms
    })

const number = (fallback: number, check: (n: number) => boolean, expected: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const n = value === undefined || value.trim() === '' ? fallback : Number(value)
      if (!Number.isFinite(n) || !check(n)) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}` })
        return z.NEVER
      }
      return n
    })

const smtpApiUrl = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const v = value?.trim()
    if (!v) return undefined
    if (v === 'none') return 'none' as const
    if (!/^https?:\/\//.test(v) || !URL.canParse(v)) {
      ctx.addIssue({ code: 'custom', message: "expected an http(s) URL, or 'none' to skip the email path" })
      return z.NEVER
    }
    return v
  })

const schema = z.object({
  CODER_SCALETEST_NOTIFICATION_USER_COUNT: number(10, (n) => Number.isInteger(n) && n > 0, 'an integer > 0'),
  CODER_SCALETEST_NOTIFICATION_TEMPLATE_ADMIN_PERCENTAGE: number(
    20,
    (n) => n > 0 && n <= 100,
    'a number greater than 0 and at most 100',
  ),
  CODER_SCALETEST_NOTIFICATION_TEMPLATE_DELETION_COUNT: number(
    1,
    (n) => Number.isInteger(n) && n >= 1,
    'an integer >= 1',
  ),
  CODER_SCALETEST_NOTIFICATION_SETUP_CONCURRENCY: number(
    10,
    (n) => Number.isInteger(n) && n >= 1,
    'an integer >= 1',
  ),
  CODER_SCALETEST_NOTIFICATION_TIMEOUT: duration('30s'),
  CODER_SCALETEST_DIAL_TIMEOUT: duration('30s'),
  CODER_SCALETEST_SMTP_REQUEST_TIMEOUT: duration('5s'),
  CODER_SCALETEST_SMTP_POLL_INTERVAL: duration('1s'),
  CODER_SCALETEST_SMTP_API_URL: smtpApiUrl,
  SCALETEST_SMTP_API_URL: smtpApiUrl,
})

export interface NotificationsConfig {
  userCount: number
  templateAdminCount: number
  regularUserCount: number
  templateDeletionCount: number
  setupConcurrency: number
  notificationTimeoutMs: number
  dialTimeoutMs: number
  smtpRequestTimeoutMs: number
  smtpPollIntervalMs: number
  /** The SMTP mock's HTTP API, or undefined when the email path is off. */
  smtpApiUrl: string | undefined
}

/**
 * @param defaultSmtpApiUrl the SMTP mock this run started; used unless the environment names
 *   another API or `none`.
 */
export function loadNotificationsConfig(
  env: Record<string, string | undefined>,
  defaultSmtpApiUrl: string | undefined,
): NotificationsConfig {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `  ${String(i.path[0])}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`,
    )
    throw new ConfigError(
      parsed.error.issues.map((i) => String(i.path[0])),
      `invalid notification scale test configuration:\n${problems.join('\n')}`,
    )
  }
  const v = parsed.data
  const pct = v.CODER_SCALETEST_NOTIFICATION_TEMPLATE_ADMIN_PERCENTAGE
  const userCount = v.CODER_SCALETEST_NOTIFICATION_USER_COUNT
  // Coder's rounding: floor, but at least one receiver when the percentage is above zero.
  const templateAdminCount = Math.max(1, Math.floor((userCount * pct) / 100))
  const smtpApiUrl = v.SCALETEST_SMTP_API_URL ?? v.CODER_SCALETEST_SMTP_API_URL ?? defaultSmtpApiUrl
  return {
    userCount,
    templateAdminCount,
    regularUserCount: userCount - templateAdminCount,
    templateDeletionCount: v.CODER_SCALETEST_NOTIFICATION_TEMPLATE_DELETION_COUNT,
    setupConcurrency: v.CODER_SCALETEST_NOTIFICATION_SETUP_CONCURRENCY,
    notificationTimeoutMs: v.CODER_SCALETEST_NOTIFICATION_TIMEOUT,
    dialTimeoutMs: v.CODER_SCALETEST_DIAL_TIMEOUT,
    smtpRequestTimeoutMs: v.CODER_SCALETEST_SMTP_REQUEST_TIMEOUT,
    smtpPollIntervalMs: v.CODER_SCALETEST_SMTP_POLL_INTERVAL,
    smtpApiUrl: smtpApiUrl === 'none' ? undefined : smtpApiUrl,
  }
}
