// Polls the SMTP mock's HTTP API for one receiver's emails through the shared connection pool
// (coder/coder#20605: thousands of pollers with their own clients ran out of ports).
import { setTimeout as sleep } from 'node:timers/promises'

import { z } from 'zod'

import type { HttpClient } from '@scaletest/vitest'
import type { NotificationMetrics } from './metrics.ts'

const messagesSchema = z
  .array(
    z.object({
      subject: z.string(),
      date: z.string(),
      notification_template_id: z.string().optional(),
      /** Our SMTP mock's millisecond arrival time; Coder's mock has only `date`. */
      received_at: z.string().optional(),
    }),
  )
  .nullable()

export interface SmtpWatchOptions {
  apiUrl: string
  email: string
  templateId: string
  expected: number
  pollIntervalMs: number
  requestTimeoutMs: number
  signal: AbortSignal
}

/**
 * Resolves with the receipt time (ms since epoch) of each expected email: when the mock received it,
 * or, from a mock that does not say (Coder's), the email's whole-second `Date` header.
 */
export async function watchSmtp(
  client: HttpClient,
  metrics: NotificationMetrics,
  options: SmtpWatchOptions,
): Promise<number[]> {
  const url = new URL('/messages', options.apiUrl)
  url.searchParams.set('email', options.email)
  for (;;) {
    options.signal.throwIfAborted()
    const receipts = await pollOnce(client, metrics, url, options)
    if (receipts && receipts.length >= options.expected) return receipts.slice(0, options.expected)
    await sleep(options.pollIntervalMs, undefined, { signal: options.signal })
  }
}

async function pollOnce(
  client: HttpClient,
  metrics: NotificationMetrics,
  url: URL,
  options: SmtpWatchOptions,
): Promise<number[] | undefined> {
  let response: Awaited<ReturnType<HttpClient['request']>>
  try {
    response = await client.request(url, { signal: options.signal, timeoutMs: options.requestTimeoutMs })
  } catch (error) {
    if (options.signal.aborted) throw error
    metrics.addError('smtp_poll')
    return undefined
  }
  if (response.statusCode !== 200) {
    await response.body.dump()
    metrics.addError('smtp_bad_status')
    return undefined
  }
  const parsed = messagesSchema.safeParse(await response.body.json().catch(() => undefined))
  if (!parsed.success) {
    metrics.addError('smtp_decode')
    throw new Error(`decode SMTP mock messages for ${options.email}: the body is not the expected JSON array`)
  }
  return (parsed.data ?? [])
    .filter((m) => m.notification_template_id === options.templateId)
    .map((m) => Date.parse(m.received_at ?? m.date))
}
