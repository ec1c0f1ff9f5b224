// A WebSocket to a workspace app through coderd, as `coder exp scaletest workspace-traffic --app`
// dials it (scaletest/workspacetraffic/conn.go appClientConn): the session token in the
// Coder-Session-Token header, raw bytes both ways as binary messages, writes split into messages
// of at most 1,024 bytes (wsNetConn.Write, rptyJSONMaxDataSize).

import { WebSocket } from 'ws'

import { CoderStreamError } from './errors.ts'
import type { CoderTransport } from './transport.ts'
import { awaitOpen } from './websocket-dial.ts'

export const APP_WRITE_CHUNK = 1024

export interface AppWebSocketOptions {
  signal?: AbortSignal
  /** Default 30 s. */
  dialTimeoutMs?: number
}

export interface AppWebSocketClose {
  code: number
  reason: string
}

export class AppWebSocket implements AsyncDisposable {
  readonly endpoint: string
  bytesRead = 0
  bytesWritten = 0
  readonly closed: Promise<AppWebSocketClose>
  readonly #ws: WebSocket
  #listeners = new Set<(chunk: Buffer) => void>()

  private constructor(ws: WebSocket, endpoint: string) {
    this.#ws = ws
    this.endpoint = endpoint
    // Registered before the dial resolves: the app may answer in the same packet as the upgrade.
    ws.on('message', (data: Buffer) => {
      this.bytesRead += data.length
      for (const listener of this.#listeners) listener(data)
    })
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    )
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

  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Sends `data` as binary messages of at most APP_WRITE_CHUNK bytes; resolves once written. */
  async write(data: Buffer | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    for (let i = 0; i < bytes.length; i += APP_WRITE_CHUNK)
      await this.#send(bytes.subarray(i, i + APP_WRITE_CHUNK))
  }

  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(1000)
    else this.#ws.terminate()
    const force = setTimeout(() => this.#ws.terminate(), 2_000)
    await this.closed
    clearTimeout(force)
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #send(chunk: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#ws.readyState !== WebSocket.OPEN) {
        reject(new CoderStreamError(this.endpoint, 'write on a closed app socket'))
        return
      }
      this.#ws.send(chunk, { binary: true }, (error) => {
        if (error)
          reject(new CoderStreamError(this.endpoint, `write failed: ${error.message}`, { cause: error }))
        else {
          this.bytesWritten += chunk.length
          resolve()
        }
      })
    })
  }
}
