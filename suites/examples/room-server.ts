// A tiny local target for the example scenario: members join a room over HTTP, watch it over a
// websocket, and a broadcast reaches every watcher. Binds 127.0.0.1 on a free port.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { type WebSocket, WebSocketServer } from 'ws'

import { WaitBuffer } from '@scaletest/vitest'

export interface RoomServer {
  url: string
  wsUrl: string
  /** Access log: one line per request, e.g. "DELETE /api/rooms/lobby/members/3 204". */
  log: WaitBuffer
  memberCount(room: string): number
  close(): Promise<void>
}

export async function startRoomServer(): Promise<RoomServer> {
  const rooms = new Map<string, Map<string, { name: string; sockets: Set<WebSocket> }>>()
  const log = new WaitBuffer({ name: 'room server log' })
  let nextId = 1
  const members = (room: string) => {
    let found = rooms.get(room)
    if (!found) {
      found = new Map()
      rooms.set(room, found)
    }
    return found
  }

  const server = createServer(async (req, res) => {
    const status = await handle(req, res).catch((err: unknown) => send(res, 500, { message: String(err) }))
    log.write(`${req.method} ${req.url} ${status}\n`)
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/healthz') return send(res, 200, { ok: true })
    const match = /^\/api\/rooms\/([\w-]+)\/(members|broadcast)(?:\/(\w+))?$/.exec(url.pathname)
    if (!match) return send(res, 404, { message: `no route for ${req.method} ${url.pathname}` })
    const [, room = '', action, memberId] = match
    if (action === 'members' && req.method === 'POST' && !memberId) {
      const body = await readJson(req)
      if (typeof body?.name !== 'string' || body.name === '')
        return send(res, 400, { message: 'body.name: a non-empty string is required' })
      const id = String(nextId++)
      members(room).set(id, { name: body.name, sockets: new Set() })
      return send(res, 201, { memberId: id })
    }
    if (action === 'members' && req.method === 'DELETE' && memberId) {
      const member = members(room).get(memberId)
      if (!member) return send(res, 404, { message: `member ${memberId} is not in room ${room}` })
      for (const socket of member.sockets) socket.close(1000, 'member left')
      members(room).delete(memberId)
      return send(res, 204)
    }
    if (action === 'broadcast' && req.method === 'POST') {
      const body = await readJson(req)
      if (typeof body?.text !== 'string')
        return send(res, 400, { message: 'body.text: a string is required' })
      const event = JSON.stringify({ type: 'broadcast', text: body.text, sentAt: Date.now() })
      let delivered = 0
      for (const member of members(room).values()) {
        for (const socket of member.sockets) {
          socket.send(event)
          delivered++
        }
      }
      return send(res, 202, { delivered })
    }
    return send(res, 405, { message: `${req.method} is not allowed on ${url.pathname}` })
  }

  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const match = /^\/api\/rooms\/([\w-]+)\/watch$/.exec(url.pathname)
    const member = match && members(match[1]!).get(url.searchParams.get('member') ?? '')
    if (!member) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      member.sockets.add(ws)
      ws.on('close', () => member.sockets.delete(ws))
      ws.send(JSON.stringify({ type: 'welcome', name: member.name }))
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    log,
    memberCount: (room) => rooms.get(room)?.size ?? 0,
    close: async () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function send(res: ServerResponse, status: number, body?: unknown): number {
  res.statusCode = status
  if (body === undefined) {
    res.end()
  } else {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(body))
  }
  return status
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let text = ''
  for await (const chunk of req) text += chunk
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
