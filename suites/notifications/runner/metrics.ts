// The scenario's metrics, one function per event (Coder: scaletest/notifications/metrics.go).

import type { MetricsRecorder } from '@scaletest/vitest'

export type NotificationType = 'websocket' | 'smtp'

export type ErrorAction =
  | 'create_user'
  | 'assign_roles'
  | 'dial'
  | 'read_notification_websocket'
  | 'smtp_create_request'
  | 'smtp_poll'
  | 'smtp_bad_status'
  | 'smtp_decode'

export const LATENCY_METRIC = 'notification_delivery_latency_seconds'
export const ERRORS_METRIC = 'notification_delivery_errors_total'
export const MISSED_METRIC = 'notification_delivery_missed_total'

export function notificationMetrics(recorder: MetricsRecorder, paths: readonly NotificationType[]) {
  recorder.histogram(LATENCY_METRIC, {
    help: 'Time from the trigger (just before the first template delete) to receipt of a notification.',
  })
  const errors = recorder.counter(ERRORS_METRIC, {
    help: 'Errors while waiting for notifications, by action.',
  })
  const missed = recorder.counter(MISSED_METRIC, {
    help: 'Notifications a receiver expected but did not get before the notification timeout.',
  })
  // Created at zero so an honest run still exports (and gates on) the counter.
  for (const type of paths) missed.inc({ notification_type: type }, 0)
  return {
    /** SMTP receipt times come from the mock's whole-second `Date`, so a latency can come out
     * slightly negative (as in Coder); it is recorded as 0. The time series files it at receipt. */
    recordLatency(seconds: number, notificationId: string, type: NotificationType, receivedAt: number): void {
      recorder.observeAt(LATENCY_METRIC, receivedAt, Math.max(0, seconds), {
        notification_id: notificationId,
        notification_type: type,
      })
    },
    addError(action: ErrorAction): void {
      errors.inc({ action })
    },
    recordMissed(type: NotificationType, count: number): void {
      missed.inc({ notification_type: type }, count)
    },
  }
}

export type NotificationMetrics = ReturnType<typeof notificationMetrics>
