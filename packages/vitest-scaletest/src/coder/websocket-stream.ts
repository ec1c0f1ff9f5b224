import type { IncomingMessage } from 'node:http'

import { WebSocket } from 'ws'
import type { z } from 'zod'

import { AsyncQueue } from './async-queue.ts'
import { CoderStreamError } from './errors.ts'
import { CoderStream } from './stream.ts'
import type { CoderTransport, Query } from './transport.ts'
import { validate } from './transport.ts'

export interface DialOptions {
  signal?: AbortSignal
  /** Time allowed for the upgrade. Default 30 s. */
  dialTimeoutMs?: number
}

/**
 * Dials a Coder websocket that sends one JSON text message per event and resolves once it is
 * open. A refused upgrade rejects with the CoderApiError Coder answered (401, 403, 400 …); a
 * network failure with a CoderStreamError. `decode` turns a validated message into frames
 * (e.g. drops pings) and may throw to fail the stream.
 */
export async function dialJsonWebSocket<S extends z.ZodType, T>(
  transport: CoderTransport,
  path: string,
  query: Query,
  schema: S,
  decode: (message: z.infer<S>) => T[],
  options: DialOptions = {},
): Promise<CoderStream<T>> {
  options.signal?.throwIfAborted()
  const url = transport.url(path, query)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  const endpoint = `GET ${url.pathname}`
  const ws = new WebSocket(url, {
    headers: transport.headers(),
    perMessageDeflate: false,
    handshakeTimeout: options.dialTimeoutMs ?? 30_000,
  })
  let closedByUs = false
  const queue = new AsyncQueue<T>(() => void close())
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()))

  const close = async (): Promise<void> => {
    closedByUs = true
    if (ws.readyState === WebSocket.CLOSED) return
    if (ws.readyState === WebSocket.OPEN) ws.close(1000)
    else ws.terminate()
    const force = setTimeout(() => ws.terminate(), 2_000)
    await closed
    clearTimeout(force)
  }

  // Registered before the dial resolves: frames can arrive in the same packet as the upgrade.
  ws.on('message', (data, isBinary) => {
    try {
      if (isBinary) throw new CoderStreamError(endpoint, 'unexpected binary message')
      const message = validate(schema, endpoint, JSON.parse(String(data)))
      for (const frame of decode(message)) queue.push(frame)
    } catch (error) {
      queue.fail(
        error instanceof SyntaxError
          ? new CoderStreamError(endpoint, 'message is not JSON', { cause: error })
          : error,
      )
      void close()
    }
  })
  const onStreamAbort = () => {
    queue.fail(options.signal?.reason)
    void close()
  }
  ws.on('close', (code, reason) => {
    options.signal?.removeEventListener('abort', onStreamAbort)
    if (closedByUs || code === 1000) queue.end()
    else {
      const why = reason.length > 0 ? `: ${transport.redact(String(reason))}` : ''
      queue.fail(
        new CoderStreamError(endpoint, `websocket closed with code ${code}${why}`, { closeCode: code }),
      )
    }
  })

  await new Promise<void>((resolve, reject) => {
    let settled = false
    const settle = (error?: unknown) => {
      if (settled) return
      settled = true
      options.signal?.removeEventListener('abort', onAbort)
      if (error === undefined) resolve()
      else reject(error)
    }
    const onAbort = () => {
      closedByUs = true
      ws.terminate()
      settle(options.signal?.reason)
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    ws.once('open', () => settle())
    ws.once('unexpected-response', (req, res: IncomingMessage) => {
      readBody(res).then((text) => {
        settle(transport.apiError('GET', url.pathname, res.statusCode ?? 0, text))
        closedByUs = true
        req.destroy()
      })
    })
    ws.on('error', (error) => {
      if (!settled) settle(new CoderStreamError(endpoint, `dial failed: ${error.message}`, { cause: error }))
      else queue.fail(new CoderStreamError(endpoint, `websocket error: ${error.message}`, { cause: error }))
    })
  })

  options.signal?.addEventListener('abort', onStreamAbort, { once: true })
  return new CoderStream(endpoint, queue, close)
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of res) chunks.push(chunk as Buffer)
  } catch {
    // A truncated error body still yields the status.
  }
  return Buffer.concat(chunks).toString('utf8')
}
