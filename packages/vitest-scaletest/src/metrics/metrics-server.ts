import { once } from 'node:events'
import { createServer } from 'node:http'

import { MetricsError } from './errors.ts'

export interface MetricsServer {
  /** e.g. http://127.0.0.1:21112 (the real port when 0 was asked for). */
  url: string
  close(): Promise<void>
}

const ADDRESS = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/

/** Split `HOST:PORT` or `[v6]:PORT`; a clear error for anything else. */
export function parseListenAddress(address: string): { host: string; port: number } {
  const match = ADDRESS.exec(address.trim())
  const port = match ? Number(match[3]) : Number.NaN
  if (!match || port > 65535) {
    throw new MetricsError(
      'SCALETEST_PROMETHEUS_ADDRESS',
      `SCALETEST_PROMETHEUS_ADDRESS=${JSON.stringify(address)} is not HOST:PORT (e.g. 127.0.0.1:21112)`,
    )
  }
  return { host: match[1] ?? match[2]!, port }
}

/** A further page served beside /metrics, e.g. the live report. */
export interface ExtraRoute {
  contentType: string
  render: () => Promise<string>
}

/** Serve `GET /metrics` (Prometheus text from `render`), `GET /healthz` and `routes` until closed. */
export async function startMetricsServer(
  address: string,
  render: () => Promise<string>,
  routes: Record<string, ExtraRoute> = {},
): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(address)
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n')
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
    } else if (path === '/metrics') {
      render().then(
        (body) =>
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body),
        (error: unknown) =>
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`render metrics: ${String(error)}\n`),
      )
    } else if (Object.hasOwn(routes, path)) {
      const route = routes[path]!
      route.render().then(
        (body) =>
          res.writeHead(200, { 'content-type': route.contentType, 'cache-control': 'no-store' }).end(body),
        (error: unknown) =>
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`render ${path}: ${String(error)}\n`),
      )
    } else {
      const also = Object.keys(routes)
        .map((r) => ` or ${r}`)
        .join('')
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: try /metrics${also}\n`)
    }
  })
  server.listen(port, host)
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))])
  } catch (error) {
    throw new MetricsError(
      'SCALETEST_PROMETHEUS_LISTEN',
      `cannot serve /metrics on ${address} (SCALETEST_PROMETHEUS_ADDRESS): ${(error as Error).message}`,
      { cause: error },
    )
  }
  const bound = server.address()
  const realPort = typeof bound === 'object' && bound !== null ? bound.port : port
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${urlHost}:${realPort}`,
    close: async () => {
      const closed = once(server, 'close')
      server.close()
      server.closeAllConnections()
      await closed
    },
  }
}
