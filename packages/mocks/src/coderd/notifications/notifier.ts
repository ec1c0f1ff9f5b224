import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'

import type { InboxNotificationRecord, UserRecord } from '../records.ts'
import { now, type SimState } from '../state.ts'
import { CATALOGUE_BY_ID, render } from './catalogue.ts'
import { formatEmail } from './email-format.ts'
import type { FaultPlan } from './faults.ts'
import type { InboxHub } from './inbox-hub.ts'
import type { SmtpDispatcher } from './smtp-dispatcher.ts'

export interface NotifierOptions {
  /** Delay between enqueue and delivery (Coder: the fetch interval, 15 s by default). */
  dispatchDelayMs: number
  /** Wait before retrying a failed SMTP send (CODER_NOTIFICATIONS_RETRY_INTERVAL). */
  retryIntervalMs: number
  /** Attempts before a message is a permanent failure (CODER_NOTIFICATIONS_MAX_SEND_ATTEMPTS). */
  maxSendAttempts: number
  emailFrom: string
  baseUrl: () => string
}

export interface NotifierStats {
  enqueued: number
  inboxDelivered: number
  inboxDropped: number
  emailSent: number
  emailAttempts: number
  emailTemporaryFailures: number
  emailPermanentFailures: number
  emailDropped: number
  emailPending: number
}

type Rendered = Pick<InboxNotificationRecord, 'title' | 'content' | 'icon' | 'actions'>

export interface EnqueueRequest {
  templateId: string
  recipients: UserRecord[]
  labels: Record<string, string>
  targets: string[]
}

/** The notification queue: per recipient an inbox entry and an email, after the dispatch delay. */
export class Notifier {
  readonly stats: NotifierStats = {
    enqueued: 0,
    inboxDelivered: 0,
    inboxDropped: 0,
    emailSent: 0,
    emailAttempts: 0,
    emailTemporaryFailures: 0,
    emailPermanentFailures: 0,
    emailDropped: 0,
    emailPending: 0,
  }
  #state: SimState
  #hub: InboxHub
  #smtp: SmtpDispatcher | undefined
  #faults: FaultPlan
  #options: NotifierOptions
  #timers = new Set<NodeJS.Timeout>()
  #host = hostname()
  #closed = false

  constructor(
    state: SimState,
    hub: InboxHub,
    smtp: SmtpDispatcher | undefined,
    faults: FaultPlan,
    options: NotifierOptions,
  ) {
    this.#state = state
    this.#hub = hub
    this.#smtp = smtp
    this.#faults = faults
    this.#options = options
  }

  enqueue(request: EnqueueRequest): void {
    const entry = CATALOGUE_BY_ID.get(request.templateId)
    if (!entry) throw new Error(`unknown notification template ${request.templateId}`)
    const baseUrl = this.#options.baseUrl()
    const title = render(entry.title, request.labels, baseUrl)
    const content = render(entry.body, request.labels, baseUrl)
    const actions = entry.actions.map((a) => ({
      label: a.label,
      url: render(a.url, request.labels, baseUrl),
    }))
    // Recipients sharing a delay are dispatched by one timer, so a 1,000-user fan-out costs one wake-up.
    const byDelay = new Map<number, UserRecord[]>()
    for (const user of request.recipients) {
      if (user.disabledTemplates.has(request.templateId)) continue
      this.stats.enqueued++
      const delay = this.#options.dispatchDelayMs + this.#faults.extraDelayMs(user)
      const group = byDelay.get(delay) ?? []
      group.push(user)
      byDelay.set(delay, group)
    }
    for (const [delay, users] of byDelay) {
      if (this.#smtp) this.stats.emailPending += users.length
      this.#after(delay, () => this.#dispatch(users, request, { title, content, icon: entry.icon, actions }))
    }
  }

  /** Real Coder keeps paused messages queued; here they wait and are retried every dispatch delay. */
  #dispatch(users: UserRecord[], request: EnqueueRequest, rendered: Rendered): void {
    if (this.#state.notifierPaused) {
      this.#after(Math.max(this.#options.dispatchDelayMs, 100), () =>
        this.#dispatch(users, request, rendered),
      )
      return
    }
    for (const user of users) {
      if (!this.#state.users.has(user.id)) {
        if (this.#smtp) this.stats.emailPending--
        continue // deleted since the enqueue
      }
      this.#deliverInbox(user, request, rendered)
      if (this.#smtp) this.#deliverEmail(user, request.templateId, rendered, 1)
    }
  }

  close(): void {
    this.#closed = true
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }

  #deliverInbox(user: UserRecord, request: EnqueueRequest, body: Rendered): void {
    if (this.#faults.drops(user, 'inbox')) {
      this.stats.inboxDropped++
      return
    }
    const notification: InboxNotificationRecord = {
      id: randomUUID(),
      user_id: user.id,
      template_id: request.templateId,
      targets: request.targets,
      ...body,
      read_at: null,
      created_at: now(),
    }
    let list = this.#state.inbox.get(user.id)
    if (!list) {
      list = []
      this.#state.inbox.set(user.id, list)
    }
    list.push(notification)
    this.stats.inboxDelivered++
    this.#hub.publish(notification, unreadCount(list))
  }

  #deliverEmail(
    user: UserRecord,
    templateId: string,
    rendered: Rendered,
    attempt: number,
    messageId = randomUUID(),
  ): void {
    if (this.#closed) return
    if (this.#faults.drops(user, 'smtp')) {
      this.stats.emailPending--
      this.stats.emailDropped++
      return
    }
    const raw = formatEmail({
      from: this.#options.emailFrom,
      to: user.email,
      title: rendered.title,
      body: rendered.content,
      actions: rendered.actions,
      userName: user.name || user.username,
      notificationTemplateId: templateId,
      messageId,
      hostname: this.#host,
      baseUrl: this.#options.baseUrl(),
      date: new Date(),
    })
    this.stats.emailAttempts++
    const send = this.#faults.takeSmtpFailure()
      ? Promise.reject(new Error('injected fault: SMTP send refused'))
      : this.#smtp!.send(this.#options.emailFrom, user.email, raw)
    send.then(
      () => {
        this.stats.emailPending--
        this.stats.emailSent++
      },
      () => {
        if (attempt >= this.#options.maxSendAttempts || this.#closed) {
          this.stats.emailPending--
          this.stats.emailPermanentFailures++
          return
        }
        this.stats.emailTemporaryFailures++
        this.#after(this.#options.retryIntervalMs, () =>
          this.#deliverEmail(user, templateId, rendered, attempt + 1, messageId),
        )
      },
    )
  }

  #after(ms: number, fn: () => void): void {
    if (this.#closed) return
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      if (!this.#closed) fn()
    }, ms)
    this.#timers.add(timer)
  }
}

export function unreadCount(list: InboxNotificationRecord[]): number {
  let count = 0
  for (const n of list) if (n.read_at === null) count++
  return count
}
