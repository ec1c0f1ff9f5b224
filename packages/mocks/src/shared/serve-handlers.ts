import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'

import { getResponse, type RequestHandler } from 'msw'

/**
 * Mounts msw request handlers on a node:http server: the same handlers a user can pass to
 * `setupServer()` in-process answer real traffic here. Unmatched requests get a JSON 404.
 */
export function serveHandlers(handlers: RequestHandler[], baseUrl: () => string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const controller = new AbortController()
    res.on('close', () => controller.abort())
    try {
      const request = toFetchRequest(req, baseUrl(), controller.signal)
      const response = await getResponse(handlers, request)
      if (!response) {
        sendJson(res, 404, { message: `no route for ${req.method} ${req.url}` })
        return
      }
      await writeResponse(res, response)
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { message: `mock failed: ${(error as Error).message}` })
      else res.destroy()
    }
  }
}

export function toFetchRequest(req: IncomingMessage, base: string, signal?: AbortSignal): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else if (value !== undefined) headers.set(name, value)
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(new URL(req.url ?? '/', base), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    duplex: 'half',
    signal,
  } as RequestInit)
}

export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  res.writeHead(response.status, response.statusText, headers)
  if (!response.body) {
    res.end()
    return
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve))
  }
  res.end()
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) })
  res.end(payload)
}
