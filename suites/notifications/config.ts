// The notification scenario's knobs, read from the environment variables of Coder's
// `coder exp scaletest notifications` flags. Every bad value is reported before anything is created.

import { z } from 'zod'

import { knob, parseKnobs } from '@scaletest/vitest'

const smtpApiUrl = knob.parsed((raw) => {
  if (raw === '') return undefined
  if (raw === 'none') return 'none' as const
  if (!/^https?:\/\//.test(raw) || !URL.canParse(raw))
    throw new Error("expected an http(s) URL, or 'none' to skip the email path")
  return raw
})

const schema = z.object({
  CODER_SCALETEST_NOTIFICATION_USER_COUNT: knob.int(10, 1),
  CODER_SCALETEST_NOTIFICATION_TEMPLATE_ADMIN_PERCENTAGE: knob.number(
    20,
    (n) => n > 0 && n <= 100,
    'a number greater than 0 and at most 100',
  ),
  CODER_SCALETEST_NOTIFICATION_TEMPLATE_DELETION_COUNT: knob.int(1, 1),
  CODER_SCALETEST_NOTIFICATION_SETUP_CONCURRENCY: knob.int(10, 1),
  CODER_SCALETEST_NOTIFICATION_TIMEOUT: knob.duration('30s'),
  CODER_SCALETEST_DIAL_TIMEOUT: knob.duration('30s'),
  CODER_SCALETEST_SMTP_REQUEST_TIMEOUT: knob.duration('5s'),
  CODER_SCALETEST_SMTP_POLL_INTERVAL: knob.duration('1s'),
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
  const v = parseKnobs(schema, env, 'notification scale test')
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
