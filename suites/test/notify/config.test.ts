import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadNotificationsConfig } from '../../notifications/config.ts'

const MOCK_API = 'http://127.0.0.1:33299'

describe('loadNotificationsConfig', () => {
  it('defaults to a small run that uses the SMTP mock of this run', () => {
    expect(loadNotificationsConfig({}, MOCK_API)).toEqual({
      userCount: 10,
      templateAdminCount: 2,
      regularUserCount: 8,
      templateDeletionCount: 1,
      setupConcurrency: 10,
      notificationTimeoutMs: 30_000,
      dialTimeoutMs: 30_000,
      smtpRequestTimeoutMs: 5_000,
      smtpPollIntervalMs: 1_000,
      smtpApiUrl: MOCK_API,
    })
  })

  it('rounds receivers as Coder does: floor, but at least one', () => {
    const config = (users: string, pct: string) =>
      loadNotificationsConfig(
        {
          CODER_SCALETEST_NOTIFICATION_USER_COUNT: users,
          CODER_SCALETEST_NOTIFICATION_TEMPLATE_ADMIN_PERCENTAGE: pct,
        },
        undefined,
      )
    expect(config('1000', '10').templateAdminCount).toBe(100)
    expect(config('9', '20').templateAdminCount).toBe(1)
    expect(config('3', '0.5')).toMatchObject({ templateAdminCount: 1, regularUserCount: 2 })
  })

  it('takes another SMTP API, or none for the websocket path only', () => {
    expect(loadNotificationsConfig({ SCALETEST_SMTP_API_URL: 'none' }, MOCK_API).smtpApiUrl).toBeUndefined()
    expect(
      loadNotificationsConfig({ CODER_SCALETEST_SMTP_API_URL: 'https://smtp.example.com' }, MOCK_API)
        .smtpApiUrl,
    ).toBe('https://smtp.example.com')
  })

  it.each([
    ['CODER_SCALETEST_NOTIFICATION_USER_COUNT', '0', 'an integer >= 1'],
    ['CODER_SCALETEST_NOTIFICATION_USER_COUNT', 'ten', 'an integer >= 1'],
    [
      'CODER_SCALETEST_NOTIFICATION_TEMPLATE_ADMIN_PERCENTAGE',
      '0',
      'a number greater than 0 and at most 100',
    ],
    [
      'CODER_SCALETEST_NOTIFICATION_TEMPLATE_ADMIN_PERCENTAGE',
      '101',
      'a number greater than 0 and at most 100',
    ],
    ['CODER_SCALETEST_NOTIFICATION_TEMPLATE_DELETION_COUNT', '0', 'an integer >= 1'],
    ['CODER_SCALETEST_NOTIFICATION_TIMEOUT', '10 minutes', 'a positive duration'],
    ['CODER_SCALETEST_DIAL_TIMEOUT', '0s', 'a positive duration'],
    ['SCALETEST_SMTP_API_URL', 'smtp.example.com:33299', 'an http(s) URL'],
  ])('rejects %s=%s, naming the variable', (name, value, expected) => {
    let error: unknown
    try {
      loadNotificationsConfig({ [name]: value }, MOCK_API)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).variables).toEqual([name])
    expect((error as Error).message).toContain(`${name}=${JSON.stringify(value)}: expected ${expected}`)
  })

  it('reports every bad variable at once', () => {
    expect(() =>
      loadNotificationsConfig(
        { CODER_SCALETEST_NOTIFICATION_USER_COUNT: '-1', CODER_SCALETEST_SMTP_REQUEST_TIMEOUT: 'soon' },
        MOCK_API,
      ),
    ).toThrow(/USER_COUNT="-1".*\n.*SMTP_REQUEST_TIMEOUT="soon"/)
  })
})
