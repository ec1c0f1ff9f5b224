import { http, type RequestHandler } from 'msw'

import type { CoderdCore } from './core.ts'

/**
 * The simulator as msw request handlers, for in-process use (`setupServer(...handlers)`): every
 * `/api/v2/*`, `/healthz` and `/__admin/*` request on any host goes to the core. WebSocket
 * endpoints (inbox watch, watch-ws, log follow) need the real server from `startCoderdSimulator`.
 */
export function createCoderdHandlers(core: CoderdCore): RequestHandler[] {
  const answer = ({ request }: { request: Request }) => core.fetch(request)
  return [http.all('*/api/v2/*', answer), http.get('*/healthz', answer), http.all('*/__admin/*', answer)]
}
