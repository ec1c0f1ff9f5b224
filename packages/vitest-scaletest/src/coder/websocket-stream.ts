import type { IncomingMessage } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

import { WebSocket } from 'ws'
import type { z } from 'zod'

import { AsyncQueue } from './async-queue.ts'
import { CoderApiError, CoderStreamError } from './errors.ts'
import { CoderStream } from './stream.ts'
import type { CoderTransport, Query } from './transport.ts'
import { validate } from './transport.ts'

/** What `decode` returns for a message after which the stream is over (e.g. an error envelope). */
export interface LastFrames<T> {
  frames: T[]
  end: true
}

export interface DialOptions {
  signal?: AbortSignal
  /** Time allowed for the upgrade (with `retry`: for every attempt together). Default 30 s. */
  dialTimeoutMs?: number
  /**
   * Retries a dial that failed on the network (reset, refused, handshake timeout) or with a 5xx/429,
   * with jittered exponential backoff, until dialTimeoutMs is spent (as Coder's workspace-updates
   * runner does). A 4xx is never retried. Off by default.
   */
  retry?: boolean | DialRetryOptions
  /** Called for every failed attempt that will be retried, e.g. to count dial errors. */
  onDialRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

export interface DialRetryOptions {
  /** First backoff. Default 100 ms. */
  initialDelayMs?: number
  /** Largest backoff. Default 2 s. */
  maxDelayMs?: number
  /**
   * Handshake timeout of one attempt (capped by what is left of dialTimeoutMs), so one upgrade
   * stuck behind a full accept queue does not spend the whole budget. Default 10 s.
   */
  attemptTimeoutMs?: number
}

/** Whether a failed dial is worth another attempt: the network, or the server being overloaded. */
export function isRetryableDialError(error: unknown): boolean {
  if (error instanceof CoderApiError) return error.status >= 500 || error.status === 429
  return error instanceof CoderStreamError
}

/**
 * Dials a Coder websocket that sends one JSON text message per event and resolves once it is
 * open. A refused upgrade rejects with the CoderApiError Coder answered (401, 403, 400 …); a
 * network failure with a CoderStreamError. `decode` turns a validated message into frames (or into
 * the stream's last frames, after which it ends and the socket closes)
 * (e.g. drops pings) and may throw to fail the stream.
 */
export async function dialJsonWebSocket<S extends z.ZodType, T>(
  transport: CoderTransport,
  path: string,
  query: Query,
  schema: S,
  decode: (message: z.infer<S>) => T[] | LastFrames<T>,
  options: DialOptions = {},
): Promise<CoderStream<T>> {
  options.signal?.throwIfAborted()
  const timeoutMs = options.dialTimeoutMs ?? 30_000
  if (!options.retry) return dialOnce(transport, path, query, schema, decode, options.signal, timeoutMs)
  const retry = options.retry === true ? {} : options.retry
  const initialDelayMs = retry.initialDelayMs ?? 100
  const maxDelayMs = retry.maxDelayMs ?? 2_000
  const attemptTimeoutMs = retry.attemptTimeoutMs ?? 10_000
  const deadline = Date.now() + timeoutMs
  for (let attempt = 1; ; attempt++) {
    const handshakeMs = Math.max(1, Math.min(attemptTimeoutMs, deadline - Date.now()))
    try {
      return await dialOnce(transport, path, query, schema, decode, options.signal, handshakeMs)
    } catch (error) {
      if (options.signal?.aborted || !isRetryableDialError(error)) throw error
      // Full jitter, so thousands of runners reset at once do not come back at once.
      const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 20))
      const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
      if (Date.now() + delayMs >= deadline) {
        throw new CoderStreamError(
          `GET ${transport.url(path, query).pathname}`,
          `dial failed after ${attempt} attempt(s) within ${timeoutMs}ms: ${(error as Error).message}`,
          { cause: error },
        )
      }
      options.onDialRetry?.(error, attempt, delayMs)
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {})
    }
  }
}

async function dialOnce<S extends z.ZodType, T>(
  transport: CoderTransport,
  path: string,
  query: Query,
  schema: S,
  decode: (message: z.infer<S>) => T[] | LastFrames<T>,
  signal: AbortSignal | undefined,
  handshakeTimeoutMs: number,
): Promise<CoderStream<T>> {
  const options = { signal }
  const url = transport.url(path, query)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  const endpoint = `GET ${url.pathname}`
  const ws = new WebSocket(url, {
    headers: transport.headers(),
    perMessageDeflate: false,
    handshakeTimeout: handshakeTimeoutMs,
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
      const decoded = decode(message)
      for (const frame of Array.isArray(decoded) ? decoded : decoded.frames) queue.push(frame)
      if (!Array.isArray(decoded)) {
        queue.end()
        void close()
      }
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
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN)
        return reject(new CoderStreamError(endpoint, 'send on a closed websocket'))
      ws.send(text, (error) =>
        error ? reject(new CoderStreamError(endpoint, `send failed: ${error.message}`)) : resolve(),
      )
    })
  return new CoderStream(endpoint, queue, close, write)
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
