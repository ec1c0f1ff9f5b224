import { z } from 'zod'

import type { UserRecord } from '../records.ts'

export const notificationFaultsSchema = z.strictObject({
  /** Users (id, username or email) whose notifications are silently dropped. */
  dropUsers: z.array(z.string()).optional(),
  /** Which delivery paths `dropUsers` applies to; both when omitted. */
  dropMethods: z.array(z.enum(['inbox', 'smtp'])).optional(),
  /** Extra delay on every delivery, on top of the dispatch delay. */
  delayMs: z.number().int().min(0).optional(),
  /** Extra delay per user (id, username or email). */
  delayUsers: z.record(z.string(), z.number().int().min(0)).optional(),
  /** The next N SMTP attempts fail as a refused send would, and are retried. */
  failSmtpAttempts: z.number().int().min(0).optional(),
})

export type NotificationFaults = z.infer<typeof notificationFaultsSchema>

export type DeliveryMethod = 'inbox' | 'smtp'

function refersTo(ref: string, user: UserRecord): boolean {
  const lower = ref.toLowerCase()
  return lower === user.id || lower === user.username.toLowerCase() || lower === user.email.toLowerCase()
}

export class FaultPlan {
  #faults: NotificationFaults = {}

  set(faults: NotificationFaults): void {
    this.#faults = { ...faults }
  }

  get(): NotificationFaults {
    return { ...this.#faults }
  }

  drops(user: UserRecord, method: DeliveryMethod): boolean {
    const { dropUsers, dropMethods } = this.#faults
    if (!dropUsers?.some((ref) => refersTo(ref, user))) return false
    return !dropMethods || dropMethods.includes(method)
  }

  extraDelayMs(user: UserRecord): number {
    let delay = this.#faults.delayMs ?? 0
    for (const [ref, ms] of Object.entries(this.#faults.delayUsers ?? {}))
      if (refersTo(ref, user)) delay += ms
    return delay
  }

  /** Consumes one injected SMTP failure, if any are left. */
  takeSmtpFailure(): boolean {
    const left = this.#faults.failSmtpAttempts ?? 0
    if (left <= 0) return false
    this.#faults.failSmtpAttempts = left - 1
    return true
  }
}
