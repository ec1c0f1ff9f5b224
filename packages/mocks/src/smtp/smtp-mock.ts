import { listen, urlHost } from '../shared/listen.ts'
import { createApiServer } from './api-server.ts'
import { type SmtpFaults, validateFaults } from './faults.ts'
import { Mailbox } from './mailbox.ts'
import { createSmtpMockCounters, type SmtpMockCounters } from './metrics.ts'
import { createSmtpReceiver } from './smtp-receiver.ts'

export interface SmtpMockOptions {
  /** Interface for both listeners; default 127.0.0.1 (`0.0.0.0` in containers). */
  host?: string
  /** SMTP port; 0 or undefined picks a free one. */
  smtpPort?: number
  /** HTTP API port; 0 or undefined picks a free one. */
  apiPort?: number
  /** Stored-message count at which the next arrival purges everything first; default 100000, 0 disables. */
  purgeAtCount?: number
  /** Largest accepted message in bytes (552 beyond it); default 10 MiB. */
  maxMessageBytes?: number
  /** SMTP idle timeout in ms before the session is closed with 421; default 60000. */
  socketTimeoutMs?: number
  /** Fault injection, off by default. */
  faults?: SmtpFaults
  /** Where auto-purges are logged; default console.log. */
  log?: (line: string) => void
  /** Serve the API with the direct node:http handler (default) or through the msw handlers. */
  serveWith?: 'node' | 'msw'
}

export interface StartedSmtpMock {
  smtpHost: string
  smtpPort: number
  /** `smtp://HOST:PORT` */
  smtpUrl: string
  /** `http://HOST:PORT` of the HTTP API. */
  apiUrl: string
  /** Same as apiUrl, so every mock has a `url`. */
  url: string
  mailbox: Mailbox
  counters: SmtpMockCounters
  /** Drops every stored message; returns how many there were. */
  purge(): number
  /** Closes both listeners and every open connection; idempotent. */
  close(): Promise<void>
}

/** Starts the SMTP sink and its HTTP API on 127.0.0.1 (or `host`), each on its own port. */
export async function startSmtpMock(options: SmtpMockOptions = {}): Promise<StartedSmtpMock> {
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? console.log
  const maxMessageBytes = options.maxMessageBytes ?? 10 * 1024 * 1024
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1)
    throw new RangeError(`maxMessageBytes must be an integer >= 1, got ${options.maxMessageBytes}`)
  const faults = validateFaults(options.faults ?? {})
  const mailbox = new Mailbox({
    purgeAtCount: options.purgeAtCount ?? 100_000,
    onAutoPurge: (dropped) =>
      log(`smtp mock: message count reached ${mailbox.purgeAtCount}; purged ${dropped} messages`),
  })
  const counters = createSmtpMockCounters()
  const receiver = createSmtpReceiver({
    mailbox,
    counters,
    faults,
    maxMessageBytes,
    socketTimeoutMs: options.socketTimeoutMs ?? 60_000,
  })
  let apiUrl = ''
  const apiServer = createApiServer({ mailbox, counters }, options.serveWith ?? 'node', () => apiUrl)

  const smtp = await listen(receiver.server.server, { host, port: options.smtpPort })
  let api: Awaited<ReturnType<typeof listen>>
  try {
    api = await listen(apiServer, { host, port: options.apiPort })
  } catch (error) {
    receiver.destroySockets()
    await smtp.close()
    throw error
  }
  apiUrl = `http://${urlHost(host)}:${api.port}`

  let closing: Promise<void> | undefined
  return {
    smtpHost: host,
    smtpPort: smtp.port,
    smtpUrl: `smtp://${urlHost(host)}:${smtp.port}`,
    apiUrl,
    url: apiUrl,
    mailbox,
    counters,
    purge: () => mailbox.purge(),
    close() {
      closing ??= (async () => {
        const smtpClosed = new Promise<void>((resolve) => receiver.server.close(() => resolve()))
        receiver.destroySockets()
        await Promise.all([smtpClosed, api.close()])
      })()
      return closing
    },
  }
}
