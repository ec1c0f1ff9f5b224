import { connect, type Socket } from 'node:net'

/**
 * A bare SMTP line client over one socket, for tests that send what a library would never
 * send (garbage, oversized data, a half-finished DATA) and for the benchmark's load generator.
 * `command()` writes a line and resolves with the next complete reply (multi-line joined).
 */
export class RawSmtpClient {
  readonly socket: Socket
  #buffer = ''
  #replies: string[] = []
  #waiters: ((reply: string) => void)[] = []
  #current: string[] = []
  #closed: Promise<void>

  private constructor(socket: Socket) {
    this.socket = socket
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => this.#onData(chunk))
    socket.on('error', () => {})
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()))
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawSmtpClient> {
    const socket = connect(port, host)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new RawSmtpClient(socket)
  }

  #onData(chunk: string): void {
    this.#buffer += chunk
    let newline = this.#buffer.indexOf('\n')
    while (newline !== -1) {
      const line = this.#buffer.slice(0, newline).replace(/\r$/, '')
      this.#buffer = this.#buffer.slice(newline + 1)
      this.#current.push(line)
      // A reply's last line has a space (or nothing) after the code; `250-` lines continue it.
      if (line.charAt(3) !== '-') {
        const reply = this.#current.join('\n')
        this.#current = []
        const waiter = this.#waiters.shift()
        if (waiter) waiter(reply)
        else this.#replies.push(reply)
      }
      newline = this.#buffer.indexOf('\n')
    }
  }

  /** The next reply, or '' when the server closes the connection first. */
  reply(): Promise<string> {
    const queued = this.#replies.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    if (this.socket.destroyed || this.socket.readableEnded) return Promise.resolve('')
    return new Promise((resolve) => {
      this.#waiters.push(resolve)
      void this.#closed.then(() => {
        const at = this.#waiters.indexOf(resolve)
        if (at !== -1) {
          this.#waiters.splice(at, 1)
          resolve('')
        }
      })
    })
  }

  write(data: string | Buffer): void {
    this.socket.write(data)
  }

  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`)
    return this.reply()
  }

  /** Whether the server closed the connection (waits up to `ms`). */
  async closedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms)
    })
    const result = await Promise.race([this.#closed.then(() => true), timeout])
    clearTimeout(timer)
    return result
  }

  close(): void {
    this.socket.destroy()
  }
}

/** Dot-stuffs a raw message and terminates it, ready to write after `354`. */
export function dataPayload(raw: string): string {
  const body = raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')
  return `${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`
}
