// The target of a notifications end-to-end test: a coderd simulator that mails an SMTP mock, both
// started here (given to the scenario as CODER_URL and SCALETEST_SMTP_API_URL, like a real
// deployment), and the scenario run in its own Vitest process against them.
import { type NotificationFaults, startSmtpMock } from '@scaletest/mocks'
import { type SimulatorTarget, startSimulatorTarget } from './simulator-target.ts'

export interface NotificationsTarget<Results> extends SimulatorTarget<Results> {
  smtpApiUrl: string
}

export async function startNotificationsTarget<Results>(
  faults: NotificationFaults | undefined,
  teardown: Array<() => Promise<void>>,
): Promise<NotificationsTarget<Results>> {
  const smtp = await startSmtpMock()
  teardown.push(() => smtp.close())
  const target = await startSimulatorTarget<Results>(
    { emailSmarthost: `${smtp.smtpHost}:${smtp.smtpPort}`, ...(faults && { faults }) },
    teardown,
  )
  return { ...target, smtpApiUrl: smtp.apiUrl }
}

/** suites/notifications with 5 users (override in `env`), killed at teardown if still running. */
export function runNotificationsScenario(
  target: NotificationsTarget<unknown>,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
) {
  return target.runScenario(
    'suites/notifications/notifications.scale.test.ts',
    {
      SCALETEST_SMTP_API_URL: target.smtpApiUrl,
      SCALETEST_MOCKS_START: 'smtp,coderd',
      CODER_SCALETEST_NOTIFICATION_USER_COUNT: '5',
      CODER_SCALETEST_SMTP_POLL_INTERVAL: '250ms',
      ...env,
    },
    args,
  )
}
