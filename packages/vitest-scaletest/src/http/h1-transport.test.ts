// HttpClient's own transport against real servers on loopback: node:http for what servers do, and
// raw net servers for byte layouts node:http never produces (split packets, garbage, no framing).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { getCACertificates, setDefaultCACertificates } from 'node:tls'

import { afterEach, describe, expect, it } from 'vitest'

import { HttpRequestError } from '../errors.ts'
import { HttpClient } from './http-client.ts'

const closers: Array<() => Promise<void> | void> = []

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

function client(url: string, options: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  const c = new HttpClient({ baseUrl: url, ...options })
  closers.push(() => c.close())
  return c
}

async function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** A node:http server; counts the TCP connections it accepted. */
async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  setup?: (s: Server) => void,
) {
  const server = createServer(handler)
  setup?.(server)
  const stats = { connections: 0, closed: 0 }
  server.on('connection', (socket) => {
    stats.connections++
    socket.on('close', () => stats.closed++)
  })
  const port = await listen(server)
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return { url: `http://127.0.0.1:${port}`, stats }
}

/** A raw TCP server: `onRequest` gets the socket once per request head received. */
async function serveRaw(onRequest: (socket: Socket, n: number) => void) {
  const sockets = new Set<Socket>()
  const stats = { connections: 0, requests: 0 }
  const server = createNetServer((socket) => {
    stats.connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let pending = ''
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1')
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4)
        onRequest(socket, ++stats.requests)
      }
    })
  })
  const port = await listen(server)
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  )
  return { url: `http://127.0.0.1:${port}`, stats }
}

/** Writes the parts of `wire` one by one with a pause between, so they arrive as separate packets. */
async function dribble(socket: Socket, parts: string[]) {
  for (const part of parts) {
    socket.write(part)
    await sleep(5)
  }
}

describe('HttpClient over its own HTTP/1.1 transport', () => {
  it('reads a chunked body that arrives in pieces split inside sizes and CRLFs', async () => {
    const { url } = await serveRaw((socket) => {
      void dribble(socket, [
        'HTTP/1.1 200 OK\r\nTransfer-Enc',
        'oding: chunked\r\n\r\n4\r',
        '\nwiki\r\n5\r\npedia\r\nE',
        '\r\n in\r\n\r\nchunks.\r\n0\r\nX-Checksum: 1',
        '\r\n\r\n',
      ])
    })
    const c = client(url)
    const res = await c.request('/')
    expect(res.headers['transfer-encoding']).toBe('chunked')
    expect(await res.body.text()).toBe('wikipedia in\r\n\r\nchunks.')
    // The connection is reused afterwards.
    const again = await c.request('/')
    expect(await again.body.text()).toBe('wikipedia in\r\n\r\nchunks.')
  })

  it('streams an 8 MiB body split across many packets, byte for byte', async () => {
    const payload = Buffer.alloc(8 * 1024 * 1024)
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff
    const { url } = await serve((_req, res) => res.end(payload))
    const c = client(url)
    const res = await c.request('/')
    let chunks = 0
    const parts: Buffer[] = []
    for await (const chunk of res.body) {
      chunks++
      parts.push(chunk)
    }
    expect(chunks).toBeGreaterThan(1)
    expect(Buffer.concat(parts).equals(payload)).toBe(true)
  })

  it('opens a new connection when the server closed the idle keep-alive one, without an error', async () => {
    const { url, stats } = await serve(
      (_req, res) => res.end('ok'),
      (s) => {
        s.keepAliveTimeout = 50
      },
    )
    const c = client(url, { retry: false })
    expect(await (await c.request('/')).body.text()).toBe('ok')
    await sleep(300) // the server closes the idle connection
    expect(await (await c.request('/')).body.text()).toBe('ok')
    expect(stats.connections).toBe(2)
  })

  it('reuses one connection for sequential requests, and does not after connection: close', async () => {
    let close = false
    const { url, stats } = await serve((_req, res) => {
      if (close) res.setHeader('connection', 'close')
      res.end('ok')
    })
    const c = client(url)
    for (let i = 0; i < 5; i++) await (await c.request('/')).body.dump()
    expect(stats.connections).toBe(1)
    close = true
    for (let i = 0; i < 3; i++) await (await c.request('/')).body.dump()
    // The first of those still went over the kept connection; each answer closes its connection.
    expect(stats.connections).toBe(3)
  })

  it('drops a connection that sends bytes after the response (pipelined garbage) and carries on', async () => {
    const { url, stats } = await serveRaw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Le')
    })
    const c = client(url)
    expect(await (await c.request('/')).body.text()).toBe('ok')
    expect(await (await c.request('/')).body.text()).toBe('ok')
    expect(stats.connections).toBe(2)
  })

  it('fails with a clear error when the server answers with something that is not HTTP', async () => {
    const { url } = await serveRaw((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'))
    const err = await client(url)
      .request('/')
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpRequestError)
    expect(err).toMatchObject({ code: 'SCALETEST_HTTP_NETWORK', attempts: 1 })
    expect((err as Error).message).toMatch(
      /HPE_INVALID_CONSTANT: expected an HTTP\/1\.x status line, got "SSH-2\.0/,
    )
  })

  it('reads a body delimited by the end of the connection', async () => {
    const { url } = await serveRaw((socket) => {
      void dribble(socket, ['HTTP/1.0 200 OK\r\n\r\nread ', 'until ', 'close']).then(() => socket.end())
    })
    const res = await client(url).request('/')
    expect(await res.body.text()).toBe('read until close')
  })

  it('skips 1xx responses and reads no body for HEAD, 204 and 304', async () => {
    const { url } = await serve((req, res) => {
      if (req.url === '/early') {
        res.writeEarlyHints({ link: '</style.css>; rel=preload' })
        res.end('final')
      } else if (req.url === '/204') res.writeHead(204).end()
      else if (req.url === '/304') res.writeHead(304, { etag: '"x"' }).end()
      else res.end('body of a GET')
    })
    const c = client(url)
    const early = await c.request('/early')
    expect(early.statusCode).toBe(200)
    expect(await early.body.text()).toBe('final')
    const head = await c.request('/', { method: 'HEAD' })
    expect(head.statusCode).toBe(200)
    expect(await head.body.text()).toBe('')
    for (const status of [204, 304]) {
      const res = await c.request(`/${status}`)
      expect(res.statusCode).toBe(status)
      expect(await res.body.text()).toBe('')
    }
    expect(await (await c.request('/')).body.text()).toBe('body of a GET')
  })

  it('sends bodies with their length, and reports a server that resets mid-body as a body error', async () => {
    const { url } = await serve((req, res) => {
      if (req.url === '/echo') {
        const parts: Buffer[] = []
        req.on('data', (c: Buffer) => parts.push(c))
        req.on('end', () => res.end(`${req.method} ${req.headers['content-length']} ${Buffer.concat(parts)}`))
        return
      }
      res.writeHead(200, { 'content-length': '100' })
      res.write('partial')
      setTimeout(() => res.socket?.destroy(), 20)
    })
    const c = client(url)
    const sent = await c.request('/echo', { method: 'POST', json: { ä: 1 } })
    expect(await sent.body.text()).toBe(`POST ${Buffer.byteLength('{"ä":1}')} {"ä":1}`)
    const empty = await c.request('/echo', { method: 'PUT' })
    expect(await empty.body.text()).toBe('PUT 0 ')
    const cut = await c.request('/cut')
    await expect(cut.body.text()).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' })
  })

  it('times out a body that stops between chunks', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('first chunk')
    })
    const res = await client(url, { timeoutMs: 60 }).request('/')
    await expect(res.body.text()).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' })
  })

  it('times out waiting for headers on the shared coarse sweep for timeouts of a second or more', async () => {
    const { url } = await serve(() => {})
    const started = performance.now()
    const err = await client(url, { timeoutMs: 1000, retry: false })
      .request('/')
      .catch((e: unknown) => e)
    const elapsed = performance.now() - started
    expect(err).toMatchObject({ code: 'SCALETEST_HTTP_TIMEOUT', attempts: 1 })
    expect(elapsed).toBeGreaterThanOrEqual(990)
    expect(elapsed).toBeLessThan(10_000)
  })

  it('times out a connection that never completes its TLS handshake (the connect timeout)', async () => {
    const { url } = await serveRaw(() => {}) // accepts TCP, never speaks TLS
    const err = await client(url.replace('http:', 'https:'), { timeoutMs: 100, retry: false })
      .request('/')
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'SCALETEST_HTTP_TIMEOUT', attempts: 1 })
    expect((err as Error).message).toMatch(/no response within 100ms/)
  })

  it('keeps to its connection limit, queueing the rest', async () => {
    let open = 0
    let most = 0
    const { url, stats } = await serve(async (_req, res) => {
      most = Math.max(most, ++open)
      await sleep(10)
      open--
      res.end('ok')
    })
    const c = client(url, { connections: 2 })
    const bodies = await Promise.all(
      Array.from({ length: 12 }, async () => (await c.request('/')).body.text()),
    )
    expect(bodies).toEqual(Array(12).fill('ok'))
    expect(stats.connections).toBeLessThanOrEqual(2)
    expect(most).toBeLessThanOrEqual(2)
  })

  it('aborts a queued request and a request in flight with the signal', async () => {
    const { url } = await serve(() => {}) // never answers
    const c = client(url, { connections: 1, timeoutMs: 0 })
    const inFlight = new AbortController()
    const queued = new AbortController()
    const first = c.request('/a', { signal: inFlight.signal }).catch((e: unknown) => e)
    const second = c.request('/b', { signal: queued.signal }).catch((e: unknown) => e)
    await sleep(20)
    queued.abort(new Error('not needed'))
    expect(await second).toMatchObject({ code: 'SCALETEST_HTTP_ABORTED', attempts: 1 })
    inFlight.abort(new Error('give up'))
    expect(await first).toMatchObject({ code: 'SCALETEST_HTTP_ABORTED', attempts: 1 })
  })

  it('rejects a header value with a line break before sending anything', async () => {
    const { url, stats } = await serve((_req, res) => res.end('ok'))
    const err = await client(url)
      .request('/', { headers: { 'x-evil': 'a\r\nx-injected: 1' } })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'SCALETEST_HTTP_NETWORK', attempts: 1 })
    expect((err as Error).message).toMatch(/UND_ERR_INVALID_ARG: invalid x-evil header/)
    expect(stats.connections).toBe(0)
  })

  it('fails requests after close() and lets requests under way finish first', async () => {
    const { url, stats } = await serve((_req, res) => setTimeout(() => res.end('late'), 30))
    const c = new HttpClient({ baseUrl: url })
    await (await c.request('/')).body.dump() // one idle connection
    const pending = Promise.all([1, 2].map(async () => (await c.request('/')).body.text()))
    await sleep(5)
    const closing = c.close()
    expect(await pending).toEqual(['late', 'late'])
    await closing
    // Every connection is closed: the idle one at once, the busy ones as their requests ended.
    for (let i = 0; i < 100 && stats.closed < stats.connections; i++) await sleep(10)
    expect(stats.connections).toBe(2)
    expect(stats.closed).toBe(2)
    const after = await c.request('/').catch((e: unknown) => e)
    expect(after).toMatchObject({ code: 'SCALETEST_HTTP_NETWORK', attempts: 1 })
    expect((after as Error).message).toMatch(/UND_ERR_CLOSED: The client is closed/)
  })

  it('does not keep the process alive with an idle connection (a client left open exits, as undici)', async () => {
    const { url } = await serve(
      (_req, res) => res.end('hi'),
      (s) => {
        s.keepAliveTimeout = 60_000
      },
    )
    const module = new URL('./http-client.ts', import.meta.url).href
    const code = `import { HttpClient } from ${JSON.stringify(module)}
const res = await new HttpClient({ baseUrl: ${JSON.stringify(url)} }).request('/')
console.log(await res.body.text())`
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    closers.push(() => {
      child.kill()
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk
    })
    const started = performance.now()
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(out.trim()).toBe('hi')
    expect(exitCode).toBe(0)
    expect(performance.now() - started).toBeLessThan(30_000) // not the 58 s the server's hint allows
  })

  const openssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()

  it.skipIf(!openssl)('speaks HTTP/1.1 over TLS, checking the certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h1-tls-'))
    closers.push(() => rmSync(dir, { recursive: true, force: true }))
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1']
        .concat(['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'])
        .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
      { stdio: 'ignore' },
    )
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) =>
      res.end(`tls ${req.url}`),
    )
    const port = await listen(server)
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    )
    const untrusted = await client(`https://localhost:${port}`)
      .request('/')
      .catch((e: unknown) => e)
    expect(untrusted).toMatchObject({ code: 'SCALETEST_HTTP_NETWORK', attempts: 1 })
    const defaults = getCACertificates('default')
    setDefaultCACertificates([...defaults, cert])
    closers.push(() => setDefaultCACertificates(defaults))
    for (const base of [`https://localhost:${port}`, `https://127.0.0.1:${port}`]) {
      const c = client(base)
      expect(await (await c.request('/one')).body.text()).toBe('tls /one')
      expect(await (await c.request('/two')).body.text()).toBe('tls /two')
    }
  })
})
