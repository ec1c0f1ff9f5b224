// The reconnecting PTY websocket as Coder's client dials it (codersdk/workspacesdk
// AgentReconnectingPTY over coderd): the session cookie, query reconnect/width/height/command,
// input as JSON ReconnectingPTYRequest frames `{data,height,width}`, output as raw binary bytes.

import { randomUUID } from 'node:crypto'

import { WebSocket } from 'ws'

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

export interface PtyClose {
  code: number
  reason: string
}

export class ReconnectingPty implements AsyncDisposable {
  readonly reconnect: string
  readonly endpoint: string
  bytesRead = 0
  bytesWritten = 0
  readonly closed: Promise<PtyClose>
  readonly #ws: WebSocket
  #chunks: Buffer[] = []
  #listeners = new Set<(chunk: Buffer) => void>()

  private constructor(ws: WebSocket, reconnect: string, endpoint: string) {
    this.#ws = ws
    this.reconnect = reconnect
    this.endpoint = endpoint
    // Registered before the dial resolves: output can arrive in the same packet as the upgrade.
    ws.on('message', (data: Buffer) => {
      this.bytesRead += data.length
      this.#chunks.push(data)
      for (const listener of this.#listeners) listener(data)
    })
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    )
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

  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN
  }

  /** Everything read so far, as text. */
  output(): string {
    return Buffer.concat(this.#chunks).toString('utf8')
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Sends `data` as `{"data": …}` frames of at most PTY_WRITE_CHUNK characters; resolves once written. */
  async write(data: string): Promise<void> {
    for (let i = 0; i < data.length; i += PTY_WRITE_CHUNK) {
      const frame = JSON.stringify({ data: data.slice(i, i + PTY_WRITE_CHUNK) })
      await this.#send(frame)
    }
  }

  resize(width: number, height: number): Promise<void> {
    return this.#send(JSON.stringify({ width, height }))
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

  #send(frame: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#ws.readyState !== WebSocket.OPEN) {
        reject(new CoderStreamError(this.endpoint, 'write on a closed PTY'))
        return
      }
      this.#ws.send(Buffer.from(frame, 'utf8'), { binary: true }, (error) => {
        if (error)
          reject(new CoderStreamError(this.endpoint, `write failed: ${error.message}`, { cause: error }))
        else {
          this.bytesWritten += frame.length
          resolve()
        }
      })
    })
  }
}
