// The reconnecting PTY websocket as Coder's client dials it (codersdk/workspacesdk
// AgentReconnectingPTY over coderd): the session cookie, query reconnect/width/height/command,
// input as JSON ReconnectingPTYRequest frames `{data,height,width}`, output as raw binary bytes.

import { randomUUID } from 'node:crypto'

import { WebSocket } from 'ws'

import { BinaryWebSocket, type WebSocketClose } from './binary-websocket.ts'
import { CoderStreamError, CoderTimeoutError } from './errors.ts'
import type { CoderTransport } from './transport.ts'
import { awaitOpen } from './websocket-dial.ts'

/** Coder chunks writes: JSON frames near 28–32 KiB close the socket (message too big). */
export const PTY_WRITE_CHUNK = 1024

export interface ReconnectingPtyOptions {
  /** The session id; the same id resumes the session and replays its buffered output. Default: new. */
  reconnect?: string
  width?: number
  height?: number
  /** The process to run instead of the login shell. */
  command?: string
  signal?: AbortSignal
  /** Default 30 s. */
  dialTimeoutMs?: number
}

export type PtyClose = WebSocketClose

export class ReconnectingPty extends BinaryWebSocket {
  readonly reconnect: string
  #chunks: Buffer[] = []

  private constructor(ws: WebSocket, reconnect: string, endpoint: string) {
    super(ws, endpoint, 'PTY')
    this.reconnect = reconnect
    // First of the data listeners, so every later one sees its chunk in output().
    this.onData((chunk) => this.#chunks.push(chunk))
  }

  static async dial(
    transport: CoderTransport,
    agentId: string,
    options: ReconnectingPtyOptions = {},
  ): Promise<ReconnectingPty> {
    options.signal?.throwIfAborted()
    const reconnect = options.reconnect ?? randomUUID()
    const path = `/api/v2/workspaceagents/${encodeURIComponent(agentId)}/pty`
    const url = transport.url(path, {
      reconnect,
      width: options.width ?? 80,
      height: options.height ?? 25,
      command: options.command,
    })
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const endpoint = `GET ${url.pathname}`
    const ws = new WebSocket(url, {
      headers: transport.cookieHeaders(),
      perMessageDeflate: false,
      handshakeTimeout: options.dialTimeoutMs ?? 30_000,
    })
    const pty = new ReconnectingPty(ws, reconnect, endpoint)
    await awaitOpen(ws, transport, url, endpoint, options.signal)
    return pty
  }

  /** Everything read so far, as text. */
  output(): string {
    return Buffer.concat(this.#chunks).toString('utf8')
  }

  /** Sends `data` as `{"data": …}` frames of at most PTY_WRITE_CHUNK characters; resolves once written. */
  async write(data: string): Promise<void> {
    for (let i = 0; i < data.length; i += PTY_WRITE_CHUNK) {
      const frame = JSON.stringify({ data: data.slice(i, i + PTY_WRITE_CHUNK) })
      await this.#sendFrame(frame)
    }
  }

  resize(width: number, height: number): Promise<void> {
    return this.#sendFrame(JSON.stringify({ width, height }))
  }

  /** Resolves with the output once `predicate` holds for it (checked on every chunk). */
  readUntil(
    predicate: (output: string) => boolean,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<string> {
    const what = `${this.endpoint}: wait for output`
    return new Promise((resolve, reject) => {
      const check = () => {
        const text = this.output()
        if (!predicate(text)) return false
        cleanup()
        resolve(text)
        return true
      }
      const timer = options.timeoutMs
        ? setTimeout(() => {
            cleanup()
            reject(new CoderTimeoutError(what, options.timeoutMs!))
          }, options.timeoutMs)
        : undefined
      const onAbort = () => {
        cleanup()
        reject(options.signal?.reason)
      }
      const off = this.onData(() => check())
      const onClose = () => {
        if (check()) return
        cleanup()
        reject(
          new CoderStreamError(
            this.endpoint,
            `closed before the expected output (read ${this.bytesRead} bytes)`,
          ),
        )
      }
      void this.closed.then(onClose)
      options.signal?.addEventListener('abort', onAbort, { once: true })
      function cleanup() {
        off()
        if (timer) clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
      }
      check()
    })
  }

  #sendFrame(frame: string): Promise<void> {
    return this.send(Buffer.from(frame, 'utf8'), frame.length)
  }
}
