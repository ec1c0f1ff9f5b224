import type { WebSocket } from 'ws'

import type { InboxNotificationRecord } from '../records.ts'
import { markdownToPlain } from './catalogue.ts'

export interface InboxFilter {
  targets: string[]
  templates: string[]
  readStatus: 'all' | 'read' | 'unread'
  format: 'markdown' | 'plaintext'
}

interface Watcher {
  socket: WebSocket
  filter: InboxFilter
}

export function matchesFilter(notification: InboxNotificationRecord, filter: InboxFilter): boolean {
  if (filter.targets.some((t) => !notification.targets.includes(t))) return false
  if (filter.templates.length > 0 && !filter.templates.includes(notification.template_id)) return false
  if (filter.readStatus === 'read' && notification.read_at === null) return false
  if (filter.readStatus === 'unread' && notification.read_at !== null) return false
  return true
}

export function formatNotification(notification: InboxNotificationRecord, format: InboxFilter['format']) {
  return format === 'plaintext'
    ? {
        ...notification,
        title: markdownToPlain(notification.title),
        content: markdownToPlain(notification.content),
      }
    : notification
}

/** Open inbox watch sockets by user; one text frame per new notification, no backlog. */
export class InboxHub {
  #watchers = new Map<string, Set<Watcher>>()
  #count = 0

  add(userId: string, socket: WebSocket, filter: InboxFilter): void {
    let set = this.#watchers.get(userId)
    if (!set) {
      set = new Set()
      this.#watchers.set(userId, set)
    }
    const watcher = { socket, filter }
    set.add(watcher)
    this.#count++
    socket.once('close', () => {
      set.delete(watcher)
      this.#count--
      if (set.size === 0 && this.#watchers.get(userId) === set) this.#watchers.delete(userId)
    })
  }

  publish(notification: InboxNotificationRecord, unreadCount: number): number {
    const set = this.#watchers.get(notification.user_id)
    if (!set) return 0
    let sent = 0
    const markdownFrame = JSON.stringify({ notification, unread_count: unreadCount })
    for (const { socket, filter } of set) {
      if (socket.readyState !== socket.OPEN || !matchesFilter(notification, filter)) continue
      const frame =
        filter.format === 'markdown'
          ? markdownFrame
          : JSON.stringify({
              notification: formatNotification(notification, 'plaintext'),
              unread_count: unreadCount,
            })
      socket.send(frame)
      sent++
    }
    return sent
  }

  get size(): number {
    return this.#count
  }

  closeAll(): void {
    for (const set of this.#watchers.values()) for (const { socket } of set) socket.terminate()
    this.#watchers.clear()
  }
}
