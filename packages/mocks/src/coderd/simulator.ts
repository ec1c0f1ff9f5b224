import { createServer } from 'node:http'

import { listen, urlHost } from '../shared/listen.ts'
import type { InterceptionRecord } from './aibridge/store.ts'
import type { ChatMessage } from './chats/store.ts'
import { createCoderdCore } from './core.ts'
import type { NotificationFaults } from './notifications/faults.ts'
import type { NotifierStats } from './notifications/notifier.ts'
import { type CoderdSimulatorOptions, coderdSimulatorOptionsSchema } from './options.ts'
import type { LoggedRequest } from './request-log.ts'
import type { SimState } from './state.ts'

export interface CoderdSimulator {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string
  host: string
  port: number
  /** The in-memory deployment, for assertions and direct seeding. */
  state: SimState
  setFaults(faults: NotificationFaults): void
  notificationStats(): NotifierStats
  /** A chat's persisted messages, oldest first (for assertions). */
  chatMessages(chatId: string): ChatMessage[]
  /** Runs one autostart executor pass now (or at `at`, ms since epoch); returns the builds started. */
  tickAutobuild(at?: number): number
  /** Every AI Bridge interception, oldest first (for assertions). */
  interceptions(): InterceptionRecord[]
  /** Runs one prebuilds reconciliation pass now (nothing while paused). */
  reconcilePrebuilds(): { created: number; deleted: number }
  /** The last `requestLogSize` requests answered, oldest first (for assertions). */
  requestLog(): LoggedRequest[]
  close(): Promise<void>
}

/** Starts the in-memory coderd on node:http + ws. Options are validated; see options.ts for defaults. */
export async function startCoderdSimulator(input: CoderdSimulatorOptions = {}): Promise<CoderdSimulator> {
  const options = coderdSimulatorOptionsSchema.parse(input)
  const core = createCoderdCore(options)
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => void core.handle(req, res))
  server.on('upgrade', (req, socket, head) => void core.handleUpgrade(req, socket, head))
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })
  // Scale tests dial thousands of inbox sockets at once: a long accept queue instead of resets.
  const listening = await listen(server, { host: options.host, port: options.port, backlog: 4096 })
  const url = `http://${urlHost(listening.host)}:${listening.port}`
  core.setBaseUrl(url)

  let closing: Promise<void> | undefined
  return {
    url,
    host: listening.host,
    port: listening.port,
    state: core.state,
    setFaults: (next) => core.setFaults(next),
    notificationStats: () => core.notificationStats(),
    chatMessages: (id) => core.chatMessages(id),
    tickAutobuild: (at) => core.tickAutobuild(at),
    interceptions: () => core.interceptions(),
    reconcilePrebuilds: () => core.reconcilePrebuilds(),
    requestLog: () => core.requestLog(),
    close() {
      closing ??= (async () => {
        core.close()
        await listening.close()
      })()
      return closing
    },
  }
}
