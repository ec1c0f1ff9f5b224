import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { inspect } from 'node:util'

import { afterEach, describe, expect, it } from 'vitest'

import { HttpRequestError } from '../errors.ts'
import { BYPASS_RATELIMIT_HEADER, HttpClient } from './http-client.ts'
import { SharedHttpPool } from './shared-pool.ts'

const closers: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  setup?: (s: Server) => void,
) {
  const server = createServer(handler)
  setup?.(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function track<T extends HttpClient | SharedHttpPool>(closable: T): T {
  closers.push(() => closable.close())
  return closable
}

describe('HttpClient', () => {
  it('gives each per-runner client its own TCP connection: N clients, N client ports', async () => {
    const portsByClient = new Map<string, Set<number>>()
    const url = await serve((req, res) => {
      const client = String(req.headers['x-client'])
      if (!portsByClient.has(client)) portsByClient.set(client, new Set())
      portsByClient.get(client)!.add(req.socket.remotePort!)
      res.end('ok')
    })
    const clients = Array.from({ length: 10 }, (_, i) =>
      track(new HttpClient({ baseUrl: url, headers: { 'x-client': String(i) } })),
    )
    for (let round = 0; round < 3; round++) {
      await Promise.all(clients.map(async (c) => (await c.request('/')).body.text()))
    }
    // Ten clients, ten distinct client ports, and no connection is ever shared between two clients.
    const allPorts = [...portsByClient.values()].flatMap((ports) => [...ports])
    expect(portsByClient.size).toBe(10)
    expect(new Set(allPorts).size).toBe(allPorts.length)
    expect(allPorts.length).toBeGreaterThanOrEqual(10)
    // One shared client, for contrast, keeps reusing its own connection(s).
    const shared = track(new HttpClient({ baseUrl: url, headers: { 'x-client': 'shared' }, connections: 1 }))
    for (let i = 0; i < 10; i++) await (await shared.request('/')).body.text()
    expect(portsByClient.get('shared')?.size).toBe(1)
  })

  it('lets 2,000 pollers share a pool that never opens more connections than its size', async () => {
    const ports = new Set<number>()
    let served = 0
    const url = await serve((req, res) => {
      ports.add(req.socket.remotePort!)
      served++
      setTimeout(() => res.end('[]'), 2)
    })
    const pool = track(new SharedHttpPool({ connections: 8 }))
    const pollers = Array.from({ length: 2000 }, () => pool.client({ baseUrl: url }))
    const statuses = await Promise.all(
      pollers.map(async (poller) => {
        const res = await poller.request('/messages', { query: { email: 'a@scaletest.local' } })
        await res.body.text()
        await poller.close() // closing a pooled client leaves the pool open
        return res.statusCode
      }),
    )
    expect(statuses.every((s) => s === 200)).toBe(true)
    expect(served).toBe(2000)
    expect(ports.size).toBeGreaterThan(0)
    expect(ports.size).toBeLessThanOrEqual(8)
  })

  it('retries an idempotent request through a server that resets the first two connections', async () => {
    let connections = 0
    const url = await serve(
      (_req, res) => res.end('third time lucky'),
      (server) =>
        server.on('connection', (socket) => {
          if (++connections <= 2) socket.destroy()
        }),
    )
    const retries: string[] = []
    const client = track(
      new HttpClient({ baseUrl: url, retry: { minDelayMs: 5 }, onRetry: (line) => retries.push(line) }),
    )
    const res = await client.request('/healthz')
    expect(await res.body.text()).toBe('third time lucky')
    expect(connections).toBe(3)
    expect(retries).toHaveLength(2)
    expect(retries[0]).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/healthz: \w+ on attempt 1; retrying in \d+ms/)
  })

  it('does not retry a POST unless told it is idempotent, nor anything with retries off', async () => {
    let connections = 0
    const url = await serve(
      (_req, res) => res.end('ok'),
      (server) =>
        server.on('connection', (socket) => {
          if (++connections % 2 === 1) socket.destroy() // every other connection resets
        }),
    )
    const client = track(new HttpClient({ baseUrl: url, retry: { minDelayMs: 1 } }))
    const post = await client.request('/chats', { method: 'POST', json: { a: 1 } }).catch((e: unknown) => e)
    expect(post).toBeInstanceOf(HttpRequestError)
    expect(post).toMatchObject({ code: 'SCALETEST_HTTP_NETWORK', attempts: 1, method: 'POST' })
    const keyed = await client.request('/chats', { method: 'POST', json: { a: 1 }, idempotent: true })
    expect(keyed.statusCode).toBe(200)
    await keyed.body.text()
    // A fresh client, so its request is the first on a new (reset) connection: the keyed POST's
    // connection stays open and would be reused.
    const fresh = track(new HttpClient({ baseUrl: url, retry: { minDelayMs: 1 } }))
    const off = await fresh.request('/x', { retry: false }).catch((e: unknown) => e)
    expect(off).toMatchObject({ code: 'SCALETEST_HTTP_NETWORK', attempts: 1 })
  })

  it('applies a per-request timeout, retried for idempotent requests', async () => {
    let requests = 0
    const url = await serve(() => {
      requests++ // never answers
    })
    const client = track(
      new HttpClient({ baseUrl: url, timeoutMs: 40, retry: { retries: 1, minDelayMs: 1 } }),
    )
    const err = await client.request('/slow').catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'SCALETEST_HTTP_TIMEOUT', attempts: 2 })
    expect((err as Error).message).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/slow failed after 2 attempts: no response within 40ms/,
    )
    expect(requests).toBe(2)
  })

  it('stops at once, without retrying, when the caller aborts', async () => {
    const url = await serve(() => {})
    const client = track(new HttpClient({ baseUrl: url, timeoutMs: 0 }))
    const controller = new AbortController()
    const pending = client.request('/hang', { signal: controller.signal }).catch((e: unknown) => e)
    await sleep(20)
    controller.abort()
    expect(await pending).toMatchObject({ code: 'SCALETEST_HTTP_ABORTED', attempts: 1 })
  })

  it('sends the session token and extra headers but keeps the token out of every error text', async () => {
    const token = 'tok-Sup3rSecret-0123456789'
    const seen: Record<string, string | undefined> = {}
    const url = await serve((req, res) => {
      seen.token = req.headers['coder-session-token'] as string | undefined
      seen.bypass = req.headers[BYPASS_RATELIMIT_HEADER.toLowerCase()] as string | undefined
      res.end('{}')
    })
    const client = track(
      new HttpClient({ baseUrl: url, sessionToken: token, headers: { [BYPASS_RATELIMIT_HEADER]: 'true' } }),
    )
    await (await client.request('/api/v2/users/me')).body.json()
    expect(seen).toEqual({ token, bypass: 'true' })

    const broken = await serve(
      () => {},
      (server) => server.on('connection', (socket) => socket.destroy()),
    )
    const failing = track(
      new HttpClient({ baseUrl: broken, sessionToken: token, retry: { retries: 1, minDelayMs: 1 } }),
    )
    const err = await failing
      .request(`/api/v2/users/me?coder_session_token=${token}`, {
        headers: { authorization: `Bearer ${token}` },
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpRequestError)
    const texts = [String(err), (err as Error).stack ?? '', inspect(err, { depth: 10 }), JSON.stringify(err)]
    for (const text of texts) expect(text).not.toContain('Sup3rSecret')
    expect((err as Error).message).toContain('coder_session_token=[REDACTED]')
  })

  it('keeps the token out of a non-2xx json() error that echoes it', async () => {
    const token = 'tok-EchoedSecret-987654'
    const url = await serve((req, res) => {
      res.statusCode = 401
      res.end(`bad token ${req.headers['coder-session-token']}`)
    })
    const client = track(new HttpClient({ baseUrl: url, sessionToken: token }))
    const err = await client.json('/api/v2/users/me').catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'SCALETEST_HTTP_STATUS', status: 401, method: 'GET' })
    expect((err as Error).message).toMatch(/status 401: bad token \[REDACTED\]/)
    expect(inspect(err)).not.toContain('EchoedSecret')
  })

  it('offers fetch() over the same dispatcher and headers', async () => {
    const url = await serve((req, res) => res.end(String(req.headers['x-extra'])))
    const client = track(new HttpClient({ baseUrl: url, headers: { 'x-extra': 'yes' } }))
    const res = await client.fetch('/echo')
    expect(await res.text()).toBe('yes')
  })
})
