import type { Server } from 'node:http'
import type { AddressInfo, Server as NetServer } from 'node:net'

export interface ListenOptions {
  /** Interface to bind. Defaults to 127.0.0.1: mocks are never exposed unless asked. */
  host?: string
  /** Port to bind; 0 or undefined picks a free one. */
  port?: number
  /**
   * Pending-connection queue length. Node's default is 511; thousands of clients dialing at once
   * overflow it and get resets. The kernel caps it at net.core.somaxconn.
   */
  backlog?: number
}

export interface Listening {
  host: string
  port: number
  close(): Promise<void>
}

/** Parses `HOST:PORT`, `:PORT` or `[::1]:PORT` as the CLI flags `--address` take them. */
export function parseAddress(
  address: string,
  defaultHost = '127.0.0.1',
): Required<Pick<ListenOptions, 'host' | 'port'>> {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address.trim())
  if (!match)
    throw new Error(
      `invalid address '${address}': expected HOST:PORT, e.g. 127.0.0.1:18080 (:0 picks a free port)`,
    )
  const port = Number(match[3])
  if (port > 65_535) throw new Error(`invalid address '${address}': port ${port} is above 65535`)
  return { host: match[1] ?? (match[2] || defaultHost), port }
}

/** Formats a host for a URL, bracketing IPv6 literals. */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/**
 * Starts listening and returns the bound address and an idempotent close that also ends
 * kept-alive and streaming connections, so a test teardown never waits on a client.
 */
export async function listen(server: Server | NetServer, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port ?? 0, host, backlog: options.backlog ?? 511 }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    host,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
      return closing
    },
  }
}
