import { HttpResponse, http, type RequestHandler } from 'msw'

import { type ApiResponse, routeApi, type SmtpApiState } from './api.ts'
import { Mailbox } from './mailbox.ts'
import { createSmtpMockCounters } from './metrics.ts'

function toResponse(response: ApiResponse): Response {
  const body = typeof response.body === 'string' ? response.body : new Uint8Array(response.body)
  return new HttpResponse(body, {
    status: response.status,
    headers: { 'content-type': response.contentType, ...response.headers },
  })
}

/**
 * The SMTP mock's HTTP API as msw handlers, for in-process use
 * (`setupServer(...createSmtpApiHandlers(mailbox))`), matching any origin. Pass a Mailbox that
 * you fill yourself, or the `{ mailbox, counters }` of a started mock.
 */
export function createSmtpApiHandlers(source: Mailbox | SmtpApiState = new Mailbox()): RequestHandler[] {
  const state: SmtpApiState =
    source instanceof Mailbox ? { mailbox: source, counters: createSmtpMockCounters() } : source
  const route = (method: string, path: string) => (info: { request: Request }) =>
    toResponse(routeApi(state, method, path, new URL(info.request.url).searchParams))
  return [
    http.get('*/messages', route('GET', '/messages')),
    http.post('*/purge', route('POST', '/purge')),
    http.get('*/healthz', route('GET', '/healthz')),
    http.get('*/metrics', route('GET', '/metrics')),
  ]
}
