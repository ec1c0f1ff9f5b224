// What a dialled coderd websocket that carries raw bytes as binary messages has in common, whether
// a reconnecting PTY or a workspace app: byte counts both ways, data listeners (registered before
// the dial resolves, since output may come in the same packet as the upgrade), writes that resolve
// once sent, and a close that terminates a socket which will not close by itself.

import { WebSocket } from 'ws'

import { CoderStreamError } from './errors.ts'

export interface WebSocketClose {
  code: number
  reason: string
}

export class BinaryWebSocket implements AsyncDisposable {
  readonly endpoint: string
  bytesRead = 0
  bytesWritten = 0
  readonly closed: Promise<WebSocketClose>
  readonly #ws: WebSocket
  /** Names the socket in the error of a write after close, e.g. "PTY". */
  readonly #kind: string
  #listeners = new Set<(chunk: Buffer) => void>()

  protected constructor(ws: WebSocket, endpoint: string, kind: string) {
    this.#ws = ws
    this.endpoint = endpoint
    this.#kind = kind
    ws.on('message', (data: Buffer) => {
      this.bytesRead += data.length
      for (const listener of this.#listeners) listener(data)
    })
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    )
  }

  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN
  }

  /** Listeners run in the order they were added, each with every chunk read after it was added. */
  onData(listener: (chunk: Buffer) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
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

  /** Sends one binary message; once it is written, `counted` is added to bytesWritten. */
  protected send(message: Buffer, counted: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#ws.readyState !== WebSocket.OPEN) {
        reject(new CoderStreamError(this.endpoint, `write on a closed ${this.#kind}`))
        return
      }
      this.#ws.send(message, { binary: true }, (error) => {
        if (error)
          reject(new CoderStreamError(this.endpoint, `write failed: ${error.message}`, { cause: error }))
        else {
          this.bytesWritten += counted
          resolve()
        }
      })
    })
  }
}
