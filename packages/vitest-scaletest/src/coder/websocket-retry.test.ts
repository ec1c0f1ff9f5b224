import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'

import { CoderClient } from './client.ts'
import { CoderApiError, CoderStreamError } from './errors.ts'

const TOKEN = 'retry-secret-token-0123456789'
const closers: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

/** A server whose first `resets` upgrades are reset, then answered with `status` or accepted. */
async function flakyServer(resets: number, status?: number) {
  const wss = new WebSocketServer({ noServer: true })
  const server: Server = createServer()
  const seen = { attempts: 0 }
  server.on('upgrade', (req, socket, head) => {
    seen.attempts++
    if (seen.attempts <= resets) return void socket.destroy()
    if (status) {
      const body = JSON.stringify({ message: 'nope' })
      return void socket.end(
        `HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      )
    }
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('error', () => ws.terminate()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(async () => {
    for (const ws of wss.clients) ws.terminate()
    wss.close()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const { port } = server.address() as AddressInfo
  return { client: new CoderClient({ url: `http://127.0.0.1:${port}`, sessionToken: TOKEN }), seen }
}

describe('websocket dial retry', () => {
  it('retries reset dials with growing backoff and counts each failed attempt', async () => {
    const { client, seen } = await flakyServer(3)
    const retries: Array<{ attempt: number; delayMs: number }> = []
    await using inbox = await client.watchInbox({
      dialTimeoutMs: 30_000,
      retry: { initialDelayMs: 10, maxDelayMs: 1_000 },
      onDialRetry: (error, attempt, delayMs) => {
        expect(error).toBeInstanceOf(CoderStreamError)
        retries.push({ attempt, delayMs })
      },
    })
    expect(inbox).toBeDefined()
    expect(seen.attempts).toBe(4)
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3])
    // Jittered between half and all of 10, 20, 40 ms.
    retries.forEach(({ delayMs }, i) => {
      expect(delayMs).toBeGreaterThanOrEqual(5 * 2 ** i)
      expect(delayMs).toBeLessThanOrEqual(10 * 2 ** i)
    })
  })

  it('never retries a 4xx, retries a 5xx, and without retry fails on the first reset', async () => {
    const refused = await flakyServer(0, 403)
    await expect(refused.client.watchInbox({ retry: true })).rejects.toMatchObject({ status: 403 })
    expect(refused.seen.attempts).toBe(1)

    const overloaded = await flakyServer(0, 503)
    const error = await overloaded.client
      .watchInbox({ dialTimeoutMs: 300, retry: { initialDelayMs: 20, maxDelayMs: 40 } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CoderStreamError)
    expect((error as Error).message).toMatch(/dial failed after \d+ attempt\(s\) within 300ms/)
    expect((error as Error).cause).toBeInstanceOf(CoderApiError)
    expect(overloaded.seen.attempts).toBeGreaterThan(1)
    expect((error as Error).message).not.toContain(TOKEN)

    const once = await flakyServer(1)
    await expect(once.client.watchInbox()).rejects.toBeInstanceOf(CoderStreamError)
    expect(once.seen.attempts).toBe(1)
  })

  it('an abort during the backoff stops retrying', async () => {
    const { client, seen } = await flakyServer(1_000)
    const controller = new AbortController()
    const dial = client.watchInbox({
      signal: controller.signal,
      retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      dialTimeoutMs: 600_000,
      onDialRetry: () => controller.abort(new Error('SIGINT')),
    })
    await expect(dial).rejects.toThrow(/SIGINT|abort/i)
    expect(seen.attempts).toBe(1)
  })
})
