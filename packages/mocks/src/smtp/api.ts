import type { Mailbox } from './mailbox.ts'
import { renderSmtpMockMetrics, type SmtpMockCounters } from './metrics.ts'

/** A framework-free API response; the node:http server and the msw handlers both send these. */
export interface ApiResponse {
  status: number
  contentType: string
  body: Buffer | string
  headers?: Record<string, string>
}

export interface SmtpApiState {
  mailbox: Mailbox
  counters: SmtpMockCounters
}

const JSON_TYPE = 'application/json'
const MAX_EMAIL_LENGTH = 320
// Deliberately loose (local@domain without spaces, brackets or separators): a poller's address
// is compared, not delivered to.
const EMAIL = /^[^\s@<>()[\]",;:\\]+@[^\s@<>()[\]",;:\\]+$/

export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): ApiResponse {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body), ...(headers ? { headers } : {}) }
}

/** Error bodies follow Coder's API shape: `{message, detail?, validations?}`. */
function invalidQuery(field: string, detail: string): ApiResponse {
  return jsonResponse(400, {
    message: 'Query parameters have invalid values.',
    validations: [{ field, detail }],
  })
}

/** `GET /messages[?email=ADDR]`: one recipient's messages, or every message, in arrival order. */
export function getMessages(state: SmtpApiState, query: URLSearchParams): ApiResponse {
  const emails = query.getAll('email')
  if (emails.length > 1) return invalidQuery('email', 'give one email parameter, not several')
  const email = emails[0]
  if (email !== undefined) {
    if (email === '') return invalidQuery('email', 'email is empty; omit the parameter to list every message')
    if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email))
      return invalidQuery('email', `'${email.slice(0, 80)}' is not an email address like user@example.com`)
  }
  state.counters.lookups++
  return { status: 200, contentType: JSON_TYPE, body: state.mailbox.responseBody(email) }
}

export function postPurge(state: SmtpApiState): ApiResponse {
  return jsonResponse(200, { purged: state.mailbox.purge() })
}

export function getHealth(state: SmtpApiState): ApiResponse {
  return jsonResponse(200, { status: 'ok', stored: state.mailbox.size })
}

export function getMetrics(state: SmtpApiState): ApiResponse {
  return {
    status: 200,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    body: renderSmtpMockMetrics(state.counters, state.mailbox),
  }
}

const routes: Record<string, Record<string, (state: SmtpApiState, query: URLSearchParams) => ApiResponse>> = {
  '/messages': { GET: getMessages },
  '/purge': { POST: postPurge },
  '/healthz': { GET: getHealth },
  '/metrics': { GET: getMetrics },
}

/** Routes one request: 404 for an unknown path, 405 (with Allow) for a wrong method. */
export function routeApi(
  state: SmtpApiState,
  method: string,
  path: string,
  query: URLSearchParams,
): ApiResponse {
  const route = routes[path]
  if (!route)
    return jsonResponse(404, { message: `no route for ${method} ${path}`, detail: describeRoutes() })
  const handler = route[method === 'HEAD' ? 'GET' : method]
  if (!handler) {
    const allow = Object.keys(route).join(', ')
    return jsonResponse(405, { message: `${method} is not allowed on ${path}; use ${allow}` }, { allow })
  }
  return handler(state, query)
}

function describeRoutes(): string {
  return 'routes: GET /messages?email=ADDR, GET /messages, POST /purge, GET /healthz, GET /metrics'
}
