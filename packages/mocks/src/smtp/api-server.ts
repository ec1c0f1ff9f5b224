import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

import { serveHandlers } from '../shared/serve-handlers.ts'
import { type ApiResponse, routeApi, type SmtpApiState } from './api.ts'
import { createSmtpApiHandlers } from './api-handlers.ts'

/**
 * The HTTP API on plain node:http. Thousands of pollers hit `GET /messages` at once, so this
 * path skips the Request/Response objects that serving the msw handlers costs (the benchmark
 * compares both); `serveWith: 'msw'` serves the exported msw handlers instead.
 */
export function createApiServer(
  state: SmtpApiState,
  serveWith: 'node' | 'msw',
  baseUrl: () => string,
): Server {
  const server = createServer({ keepAliveTimeout: 30_000 })
  if (serveWith === 'msw') {
    const handle = serveHandlers(createSmtpApiHandlers(state), baseUrl)
    server.on('request', (req, res) => void handle(req, res))
    return server
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    let response: ApiResponse
    try {
      response = routeApi(
        state,
        req.method ?? 'GET',
        path,
        new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
      )
    } catch (error) {
      response = {
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ message: `smtp mock API failed: ${(error as Error).message}` }),
      }
    }
    // A POST body (none is expected) is drained so the connection can be reused.
    if (req.method !== 'GET' && req.method !== 'HEAD') req.resume()
    res.writeHead(response.status, {
      'content-type': response.contentType,
      'content-length': Buffer.byteLength(response.body),
      ...response.headers,
    })
    res.end(req.method === 'HEAD' ? undefined : response.body)
  })
  return server
}
