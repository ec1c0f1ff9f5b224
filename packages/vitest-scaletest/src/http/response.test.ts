import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

import { afterEach, describe, expect, it } from 'vitest'

import { HttpRequestError } from '../errors.ts'
import { HttpClient } from './http-client.ts'

const closers: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets: number[] = []
  const closed: number[] = []
  const server = createServer(handler)
  server.on('connection', (socket) => {
    sockets.push(socket.remotePort!)
    socket.on('close', () => closed.push(socket.remotePort!))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const client = new HttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  closers.push(() => client.close())
  return { client, sockets, closed }
}

/** Writes `chunks` chunks of `size` bytes of `fill`, awaiting the socket's drain. */
async function writeChunks(res: ServerResponse, chunks: number, size: number, fill = 'x') {
  for (let i = 0; i < chunks; i++) {
    if (!res.write(Buffer.alloc(size, fill))) await new Promise((resolve) => res.once('drain', resolve))
  }
  res.end()
}

describe('ResponseBody', () => {
  it('reads a chunked body whole as text, json and bytes', async () => {
    const { client } = await serve((req, res) => {
      if (req.url === '/json') {
        res.write('{"a":')
        setTimeout(() => res.end('[1,2,3]}'), 10)
      } else void writeChunks(res, 5, 1000, 'y')
    })
    const res = await client.request('/json')
    expect(res.statusCode).toBe(200)
    expect(res.headers['transfer-encoding']).toBe('chunked')
    expect(await res.body.json()).toEqual({ a: [1, 2, 3] })
    expect(res.body.bodyUsed).toBe(true)
    const bytes = await (await client.request('/bytes')).body.bytes()
    expect(bytes.length).toBe(5000)
    expect(bytes.every((b) => b === 'y'.charCodeAt(0))).toBe(true)
    expect(await (await client.request('/text')).body.text()).toBe('y'.repeat(5000))
  })

  it('streams a large body with backpressure: a slow reader does not buffer it all', async () => {
    let written = 0
    const { client } = await serve(async (_req, res) => {
      for (let i = 0; i < 64; i++) {
        written += 256 * 1024
        if (!res.write(Buffer.alloc(256 * 1024))) await new Promise((resolve) => res.once('drain', resolve))
      }
      res.end()
    })
    const res = await client.request('/')
    let read = 0
    let maxAhead = 0
    for await (const chunk of res.body) {
      read += chunk.length
      maxAhead = Math.max(maxAhead, written - read)
      if (read < 4 * 2 ** 20) await sleep(2) // read the first 4 MiB slowly
    }
    expect(read).toBe(16 * 2 ** 20)
    // The server gets ahead by the socket buffers and our 1 MiB mark, not by the whole 16 MiB.
    expect(maxAhead).toBeLessThan(12 * 2 ** 20)
  })

  it('dump() reuses the connection for a small body and closes it past 128 KiB', async () => {
    const { client, sockets, closed } = await serve((req, res) => {
      if (req.url === '/big') void writeChunks(res, 64, 16 * 1024)
      else res.end('small')
    })
    // undici's pool may open a second connection early on (its own request() does too); after that,
    // dumped responses leave their connection reusable, so more requests open none.
    for (let i = 0; i < 3; i++) await (await client.request('/small')).body.dump()
    const warm = sockets.length
    expect(warm).toBeLessThanOrEqual(2)
    for (let i = 0; i < 10; i++) await (await client.request('/small')).body.dump()
    expect(sockets).toHaveLength(warm)
    expect(closed).toHaveLength(0)
    await (await client.request('/big')).body.dump()
    await expect.poll(() => closed.length).toBe(1) // the 1 MiB body was not read to the end: its connection closed
    for (let i = 0; i < 3; i++) expect(await (await client.request('/small')).body.text()).toBe('small')
  })

  it('rejects a body read when the server breaks off mid-body, and reading twice is an error', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('partial')
      setTimeout(() => res.socket?.destroy(), 20)
    })
    const res = await client.request('/')
    await expect(res.body.text()).rejects.toThrow(/other side closed|socket/i)
    await expect(res.body.text()).rejects.toThrow(/already read/)
    const again = await client.request('/')
    await again.body.dump() // never rejects, like undici's dump()
  })

  it('aborts a body in flight when the request signal aborts', async () => {
    const { client } = await serve((_req, res) => {
      res.write('first')
      // never ends
    })
    const controller = new AbortController()
    const res = await client.request('/', { signal: controller.signal })
    const reading = res.body.text()
    setTimeout(() => controller.abort(new Error('test over')), 20)
    await expect(reading).rejects.toThrow(/test over/)
    const aborted = new AbortController()
    aborted.abort(new Error('before'))
    const error = await client.request('/', { signal: aborted.signal }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpRequestError)
    expect((error as HttpRequestError).code).toBe('SCALETEST_HTTP_ABORTED')
  })
})
