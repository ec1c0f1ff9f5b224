// A WebSocket to a workspace app through coderd, as `coder exp scaletest workspace-traffic --app`
// dials it (scaletest/workspacetraffic/conn.go appClientConn): the session token in the
// Coder-Session-Token header, raw bytes both ways as binary messages, writes split into messages
// of at most 1,024 bytes (wsNetConn.Write, rptyJSONMaxDataSize).

import { WebSocket } from 'ws'

import { BinaryWebSocket, type WebSocketClose } from './binary-websocket.ts'
import type { CoderTransport } from './transport.ts'
import { awaitOpen } from './websocket-dial.ts'

export const APP_WRITE_CHUNK = 1024

export interface AppWebSocketOptions {
  signal?: AbortSignal
  /** Default 30 s. */
  dialTimeoutMs?: number
}

export type AppWebSocketClose = WebSocketClose

export class AppWebSocket extends BinaryWebSocket {
  private constructor(ws: WebSocket, endpoint: string) {
    super(ws, endpoint, 'app socket')
  }

  /** Dials `url` (an app URL under the deployment, http or https); resolves once the socket is open. */
  static async dial(
    transport: CoderTransport,
    url: URL,
    options: AppWebSocketOptions = {},
  ): Promise<AppWebSocket> {
    options.signal?.throwIfAborted()
    const target = new URL(url)
    target.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:'
    const endpoint = `GET ${target.pathname}`
    const ws = new WebSocket(target, {
      headers: transport.headers(),
      perMessageDeflate: false,
      handshakeTimeout: options.dialTimeoutMs ?? 30_000,
    })
    const socket = new AppWebSocket(ws, endpoint)
    await awaitOpen(ws, transport, target, endpoint, options.signal)
    return socket
  }

  /** Sends `data` as binary messages of at most APP_WRITE_CHUNK bytes; resolves once written. */
  async write(data: Buffer | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    for (let i = 0; i < bytes.length; i += APP_WRITE_CHUNK) {
      const chunk = bytes.subarray(i, i + APP_WRITE_CHUNK)
      await this.send(chunk, chunk.length)
    }
  }
}
