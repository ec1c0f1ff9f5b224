// Latency = receipt − trigger per receipt, for runs that passed (as Coder computes it).

import { type HarnessResults, TEMPLATE_DELETED_NOTIFICATION_ID } from '@scaletest/vitest'
import type { NotificationMetrics } from './metrics.ts'
import { SMTP_RECEIPTS, WEBSOCKET_RECEIPTS } from './run.ts'

export function recordLatencies(
  results: HarnessResults,
  triggeredAt: number | undefined,
  events: NotificationMetrics,
): void {
  if (triggeredAt === undefined) return
  for (const run of Object.values(results.runs)) {
    if (run.error !== null || !run.metrics) continue
    for (const [key, type] of [
      [WEBSOCKET_RECEIPTS, 'websocket'],
      [SMTP_RECEIPTS, 'smtp'],
    ] as const) {
      for (const at of (run.metrics[key] as string[] | undefined) ?? []) {
        const receivedAt = Date.parse(at)
        events.recordLatency(
          (receivedAt - triggeredAt) / 1000,
          TEMPLATE_DELETED_NOTIFICATION_ID,
          type,
          receivedAt,
        )
      }
    }
  }
}
