// One notification runner per user (Coder: scaletest/notifications/run.go). It creates its user,
// dials the inbox websocket on its own connection, then either waits for every Template Deleted
// notification (receivers, by websocket and email) or holds its socket until the receivers finish.

import { randomBytes } from 'node:crypto'

import {
  type Barrier,
  type CoderClient,
  type HttpClient,
  type Latch,
  type Runner,
  TEMPLATE_DELETED_NOTIFICATION_ID,
  type User,
} from '@scaletest/vitest'
import type { NotificationMetrics, NotificationType } from './metrics.ts'
import { watchSmtp } from './smtp-watch.ts'

export const WEBSOCKET_RECEIPTS = 'notification_websocket_receipt_time'
export const SMTP_RECEIPTS = 'notification_smtp_receipt_time'

export interface NotificationRunnerConfig {
  /** Receivers get the template-admin role and wait for the notifications. */
  isTemplateAdmin: boolean
  /** How many Template Deleted notifications a receiver waits for on each path. */
  expectedDeletions: number
  organizationId: string
  /** Unique per run, so parallel runs against one deployment never share users. */
  runTag: string
  dialTimeoutMs: number
  notificationTimeoutMs: number
  smtp?: { apiUrl: string; client: HttpClient; pollIntervalMs: number; requestTimeoutMs: number }
}

export interface NotificationRunnerDeps {
  /** The owner's client: creates and deletes the runner's user. */
  owner: CoderClient
  metrics: NotificationMetrics
  /** Bounds how many users are created at once. */
  setupSlot<T>(work: () => Promise<T>): Promise<T>
  /** Every user has dialed its inbox websocket. */
  dialed: Barrier
  /** Every receiver has its notifications (or gave up). */
  received: Barrier
  /** Set to the trigger time (ms since epoch) once the first template delete is sent. */
  triggered: Latch<number>
}

export function notificationRunner(config: NotificationRunnerConfig, deps: NotificationRunnerDeps) {
  let user: User | undefined
  const receipts: Record<NotificationType, number[]> = { websocket: [], smtp: [] }

  return {
    async run({ id, signal, log, http }) {
      // A run that fails or is aborted before it arrives leaves these barriers by itself.
      using dialed = deps.dialed.join(signal)
      using received = config.isTemplateAdmin ? deps.received.join(signal) : undefined

      const password = randomBytes(12).toString('base64url')
      const created = await deps.setupSlot(() => createUser(id, password, signal))
      log(`created user ${created.username}${config.isTemplateAdmin ? ' (template-admin)' : ''}`)

      const me = await deps.owner.loginAs(
        { email: created.email, password },
        { dispatcher: http().dispatcher, signal },
      )
      await using inbox = await me
        .watchInbox({
          signal,
          dialTimeoutMs: config.dialTimeoutMs,
          retry: true,
          onDialRetry: () => deps.metrics.addError('dial'),
        })
        .catch((cause: unknown) => {
          deps.metrics.addError('dial')
          throw new Error(`dial notification websocket: ${(cause as Error).message}`, { cause })
        })
      log('inbox websocket connected')
      dialed.arrive()

      if (!received) {
        await deps.received.wait({ signal })
        log('receivers finished; closing the inbox websocket')
        return
      }
      const deadline = deadlineAfterTrigger(signal)
      const paths = await Promise.allSettled([
        receiveWebsocket(inbox, deadline.signal, log),
        config.smtp ? receiveSmtp(created.email, config.smtp, deadline.signal, log) : undefined,
      ])
      deadline.clear()
      const failures = paths.flatMap((p) => (p.status === 'rejected' ? [p.reason as Error] : []))
      if (failures.length > 0) throw new Error(failures.map((e) => e.message).join('; '))
      received.arrive()
    },

    async cleanup({ signal, log }) {
      if (!user) return
      await deps.owner.deleteUser(user.id, signal)
      log(`deleted user ${user.username}`)
    },

    metrics() {
      return {
        [WEBSOCKET_RECEIPTS]: receipts.websocket.map((t) => new Date(t).toISOString()),
        [SMTP_RECEIPTS]: receipts.smtp.map((t) => new Date(t).toISOString()),
      }
    },
  } satisfies Runner

  async function createUser(id: string, password: string, signal: AbortSignal): Promise<User> {
    const name = `${config.runTag}-${id}`
    user = await deps.owner
      .createUser(
        {
          username: `scaletest-${name}`,
          email: `${name}@scaletest.local`,
          password,
          login_type: 'password',
          organization_ids: [config.organizationId],
        },
        signal,
      )
      .catch((cause: unknown) => {
        deps.metrics.addError('create_user')
        throw new Error(`create user: ${(cause as Error).message}`, { cause })
      })
    if (config.isTemplateAdmin) {
      await deps.owner.updateUserRoles(user.id, ['template-admin'], signal).catch((cause: unknown) => {
        deps.metrics.addError('assign_roles')
        throw new Error(`assign template-admin role: ${(cause as Error).message}`, { cause })
      })
    }
    return user
  }

  /** Aborts notificationTimeoutMs after the trigger (or with the run). */
  function deadlineAfterTrigger(runSignal: AbortSignal) {
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    void deps.triggered.wait().then(
      (at) => {
        const left = at + config.notificationTimeoutMs - Date.now()
        timer = setTimeout(
          () => controller.abort(new NotificationTimeout(config.notificationTimeoutMs)),
          Math.max(0, left),
        )
      },
      (error: unknown) => controller.abort(error),
    )
    return {
      signal: AbortSignal.any([runSignal, controller.signal]),
      clear: () => clearTimeout(timer),
    }
  }

  async function receiveWebsocket(
    inbox: Awaited<ReturnType<CoderClient['watchInbox']>>,
    signal: AbortSignal,
    log: (...args: unknown[]) => void,
  ): Promise<void> {
    try {
      while (receipts.websocket.length < config.expectedDeletions) {
        await inbox.waitFor((frame) => frame.notification.template_id === TEMPLATE_DELETED_NOTIFICATION_ID, {
          signal,
        })
        receipts.websocket.push(Date.now())
      }
      log(`websocket: all ${config.expectedDeletions} notification(s) received`)
    } catch (error) {
      missed('websocket', receipts.websocket.length, signal, error)
    }
  }

  async function receiveSmtp(
    email: string,
    smtp: NonNullable<NotificationRunnerConfig['smtp']>,
    signal: AbortSignal,
    log: (...args: unknown[]) => void,
  ): Promise<void> {
    try {
      const found = await watchSmtp(smtp.client, deps.metrics, {
        apiUrl: smtp.apiUrl,
        email,
        templateId: TEMPLATE_DELETED_NOTIFICATION_ID,
        expected: config.expectedDeletions,
        pollIntervalMs: smtp.pollIntervalMs,
        requestTimeoutMs: smtp.requestTimeoutMs,
        signal,
      })
      receipts.smtp.push(...found)
      log(`smtp: all ${config.expectedDeletions} email(s) received`)
    } catch (error) {
      missed('smtp', receipts.smtp.length, signal, error)
    }
  }

  function missed(type: NotificationType, got: number, signal: AbortSignal, error: unknown): never {
    if (!(signal.reason instanceof NotificationTimeout)) {
      if (type === 'websocket' && !signal.aborted) deps.metrics.addError('read_notification_websocket')
      throw error
    }
    deps.metrics.recordMissed(type, config.expectedDeletions - got)
    throw new Error(
      `${type}: missed ${config.expectedDeletions - got} of ${config.expectedDeletions} notification(s): ${signal.reason.message}`,
    )
  }
}

class NotificationTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`none arrived within the notification timeout (${timeoutMs} ms after the trigger)`)
  }
}
