import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Readable } from 'node:stream'

import { getResponse, type RequestHandler } from 'msw'
import { type WebSocket, WebSocketServer } from 'ws'

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

export type UpgradeHandler = (req: IncomingMessage, accept: () => Promise<WebSocket>, socket: Socket) => void

/**
 * Test-only: serves msw handlers on a real 127.0.0.1 port (the client uses undici with its own
 * dispatcher, which msw's in-process interception does not see), records every request, and
 * hands websocket upgrades to `onUpgrade`.
 */
export async function serveMsw(handlers: RequestHandler[], onUpgrade?: UpgradeHandler) {
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const wss = new WebSocketServer({ noServer: true })
  let base = ''
  const server = createServer((req, res) => void handle(req, res))
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('upgrade', (req, socket: Socket, head) => {
    if (!onUpgrade) return void socket.destroy()
    onUpgrade(req, () => new Promise((resolve) => wss.handleUpgrade(req, socket, head, resolve)), socket)
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body })
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers.set(name, value)
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
    const request = new Request(new URL(req.url ?? '/', base), {
      method: req.method,
      headers,
      body: hasBody ? body : null,
    })
    const response = await getResponse(handlers, request)
    if (!response) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no test route"}')
      return
    }
    const out: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      out[name] = value
    })
    res.writeHead(response.status, out)
    if (!response.body) return void res.end()
    Readable.fromWeb(response.body as never)
      .on('error', () => res.destroy())
      .pipe(res)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    requests,
    /** Raw HTTP answer to an upgrade request (e.g. a refused websocket dial). */
    refuse(socket: Socket, status: number, body: unknown): void {
      const text = JSON.stringify(body)
      socket.end(
        `HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
      )
    },
    async close(): Promise<void> {
      for (const client of wss.clients) client.terminate()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
