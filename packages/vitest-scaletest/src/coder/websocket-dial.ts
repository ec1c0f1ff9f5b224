// The handshake of a websocket dialled through coderd: resolves once it is open; a refused upgrade
// becomes the CoderApiError its response carries (status and body, JSON or an HTML error page),
// a network failure a CoderStreamError, an abort the signal's reason.

import type { IncomingMessage } from 'node:http'

import type { WebSocket } from 'ws'

import { CoderStreamError } from './errors.ts'
import type { CoderTransport } from './transport.ts'

export function awaitOpen(
  ws: WebSocket,
  transport: CoderTransport,
  url: URL,
  endpoint: string,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      ws.terminate()
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const done = (error?: unknown) => {
      signal?.removeEventListener('abort', onAbort)
      if (error === undefined) resolve()
      else reject(error)
    }
    ws.once('open', () => done())
    ws.once('unexpected-response', (req, res: IncomingMessage) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        req.destroy()
        done(transport.apiError('GET', url.pathname, res.statusCode ?? 0, refusal(res, chunks)))
      })
    })
    ws.once('error', (error) =>
      done(new CoderStreamError(endpoint, `dial failed: ${error.message}`, { cause: error })),
    )
  })
}

/** The body as text: an HTML error page (workspace apps) as its words, a redirect as its target. */
function refusal(res: IncomingMessage, chunks: Buffer[]): string {
  const body = Buffer.concat(chunks).toString('utf8')
  if (res.headers.location) return `redirected to ${res.headers.location}`
  if (!/html/.test(res.headers['content-type'] ?? '')) return body
  return body
    .replace(/<(script|style|title)[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}
