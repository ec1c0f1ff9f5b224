// Path-based workspace apps, `/@{owner}/{workspace}[.{agent}]/apps/{slug}/…`, proxied "through the
// agent" to the app each `coder_app` of the template declares. Coder: coderd/workspaceapps
// (proxy.go HandlePathApp and proxyWorkspaceApp, db.go DBTokenProvider.Issue, errors.go). The app
// behind every slug is a binary WebSocket echo: Coder's scale-test template serves its `wsec` app
// with `websocat --binary ws-l:127.0.0.1:1234 mirror:` (scaletest/terraform), which
// `coder exp scaletest workspace-traffic --app` writes to and reads from.
//
// Coder's checks, in its order: the workspace must exist (404 page) and its latest build be a start
// (400 "Workspace Offline"), the app must exist (404 page), the caller's session token (header,
// cookie or query, all optional) must belong to the workspace owner — path apps are not shared, not
// even with site owners unless `dangerousAllowPathAppSiteOwnerAccess` (404 page; without a valid
// token, a redirect to /login) — and the agent be
// connected (502 "Application Unavailable"); only then is an app path without its trailing slash redirected
// (307) to it, as proxyWorkspaceApp does.
// Errors are Coder's static HTML error pages, not API JSON.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'

import { type WebSocket, WebSocketServer } from 'ws'

import { authenticate } from '../auth.ts'
import { BUILD_VERSION } from '../http/respond.ts'
import type { UserRecord } from '../records.ts'
import type { SimState } from '../state.ts'
import type { AgentRecord, AppRecord } from './store.ts'

const APP_PATH = /^\/@([^/]+)\/([^/]+)\/apps\/([^/]+)(\/.*)?$/
const SIGNED_OUT = 'You are signed out or your session has expired. Please sign in again to continue.'

export interface AppPath {
  owner: string
  workspace: string
  agent: string | undefined
  slug: string
  /** The path inside the app; `undefined` when the URL stops at the slug. */
  rest: string | undefined
}

/** httpapi.ParseWorkspaceAndAgent: `workspace` or `workspace.agent`. */
export function parseAppPath(pathname: string): AppPath | undefined {
  const match = APP_PATH.exec(pathname)
  if (!match) return undefined
  let decoded: string[]
  try {
    decoded = match.slice(1, 4).map((part) => decodeURIComponent(part!))
  } catch {
    return undefined
  }
  const [owner, workspaceAndAgent, slug] = decoded as [string, string, string]
  const [workspace, agent, ...extra] = workspaceAndAgent.split('.')
  if (extra.length > 0 || workspace === '') return undefined
  return { owner: owner.replace(/^@/, ''), workspace: workspace!, agent, slug, rest: match[4] }
}

type Resolution =
  | { kind: 'app'; agent: AgentRecord; app: AppRecord }
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; status: number; title: string; description: string }

const notFound: Resolution = {
  kind: 'page',
  status: 404,
  title: 'Application Not Found',
  description:
    'The application or workspace you are trying to access does not exist or you do not have permission to access it.',
}

function optionalUser(state: SimState, req: IncomingMessage, url: URL): UserRecord | undefined {
  try {
    return authenticate(state, req, url)
  } catch {
    // Coder extracts the API key as optional here: a missing or bad one means "signed out".
    return undefined
  }
}

export interface AppAccess {
  /** coderd's Dangerous.AllowPathAppSiteOwnerAccess. */
  allowSiteOwnerAccess: boolean
}

export function resolveApp(
  state: SimState,
  access: AppAccess,
  req: IncomingMessage,
  url: URL,
  path: AppPath,
): Resolution {
  const owner = state.findUser(path.owner)
  const workspace =
    owner &&
    [...state.workspaces.values()].find(
      (w) => !w.deleted && w.ownerId === owner.id && w.name === path.workspace,
    )
  if (!owner || !workspace) return notFound
  // A stopped workspace has no agents to look the app up on (db.go getDatabase).
  if (state.latestBuild(workspace).transition !== 'start')
    return {
      kind: 'page',
      status: 400,
      title: 'Workspace Offline',
      description:
        'Last workspace transition was to the "stop" state. Start the workspace to access its applications.',
    }
  const agents = state.agents.agentsOfBuild(state.agents.agentBuildOf.get(workspace.id) ?? '')
  const agent =
    path.agent === undefined
      ? agents.length === 1
        ? agents[0]
        : undefined
      : agents.find((a) => a.name === path.agent || a.id === path.agent)
  const app = agent?.apps.find((a) => a.slug === path.slug)
  if (!agent || !app || app.subdomain) return notFound
  const user = optionalUser(state, req, url)
  if (!user) {
    const login = new URLSearchParams({ message: SIGNED_OUT, redirect: `${url.pathname}${url.search}` })
    return { kind: 'redirect', location: `/login?${login}` }
  }
  const siteOwner = access.allowSiteOwnerAccess && user.siteRoles.includes('owner')
  if (user.id !== workspace.ownerId && !siteOwner) return notFound
  if (agent.status !== 'connected')
    return {
      kind: 'page',
      status: 502,
      title: 'Application Unavailable',
      description: `Agent state is "${agent.status}", not "connected"`,
    }
  if (path.rest === undefined) return { kind: 'redirect', location: `${url.pathname}/${url.search}` }
  return { kind: 'app', agent, app }
}

function errorPage(status: number, title: string, description: string): string {
  const html = (text: string) =>
    text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
  return `<!doctype html><html><head><title>${html(title)}</title></head><body><h1>${status} ${html(title)}</h1><p>${html(description)}</p></body></html>`
}

function head(status: number, headers: Record<string, string | number>): string {
  const lines = Object.entries({ ...headers, 'X-Coder-Build-Version': BUILD_VERSION, Connection: 'close' })
  return `HTTP/1.1 ${status} ${status === 307 ? 'Temporary Redirect' : 'Error'}\r\n${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`
}

export interface AppProxyStats {
  sockets: number
  bytesIn: number
  bytesOut: number
}

export class AppProxy {
  readonly #state: SimState
  readonly #access: AppAccess
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1 << 20 })
  readonly #byAgent = new Map<string, Set<WebSocket>>()
  readonly stats = { bytesIn: 0, bytesOut: 0 }

  constructor(state: SimState, access: AppAccess) {
    this.#state = state
    this.#access = access
  }

  get sockets(): number {
    let n = 0
    for (const set of this.#byAgent.values()) n += set.size
    return n
  }

  /** Answers a plain HTTP request for an app path; false when the path is not an app's. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean {
    if (!req.url?.startsWith('/@')) return false
    const url = new URL(req.url ?? '/', 'http://coderd.invalid')
    const path = parseAppPath(url.pathname)
    if (!path) return false
    const found = resolveApp(this.#state, this.#access, req, url, path)
    res.setHeader('X-Coder-Build-Version', BUILD_VERSION)
    if (found.kind === 'redirect') {
      res.writeHead(307, { location: found.location }).end()
    } else if (found.kind === 'page') {
      res.writeHead(found.status, { 'content-type': 'text/html; charset=utf-8' })
      res.end(errorPage(found.status, found.title, found.description))
    } else {
      // websocat answers anything but a WebSocket handshake with an error; so does this echo.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('This app is a WebSocket echo; only WebSocket upgrades are served.\n')
    }
    return true
  }

  /** Takes a WebSocket upgrade for an app path; false when the path is not an app's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, upgradeHead: Buffer): boolean {
    if (!req.url?.startsWith('/@')) return false
    const url = new URL(req.url ?? '/', 'http://coderd.invalid')
    const path = parseAppPath(url.pathname)
    if (!path) return false
    socket.on('error', () => socket.destroy())
    const found = resolveApp(this.#state, this.#access, req, url, path)
    if (found.kind === 'redirect') {
      socket.end(head(307, { Location: found.location, 'Content-Length': 0 }))
    } else if (found.kind === 'page') {
      const body = errorPage(found.status, found.title, found.description)
      socket.end(
        head(found.status, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
        }) + body,
      )
    } else {
      this.#wss.handleUpgrade(req, socket, upgradeHead, (ws) => this.#echo(found.agent, ws))
    }
    return true
  }

  /** The agent went away: its app connections drop, as the tunnel to it does in Coder. */
  agentOff(agent: AgentRecord): void {
    for (const ws of this.#byAgent.get(agent.id) ?? []) ws.close(1001, 'agent disconnected')
  }

  close(): void {
    for (const set of this.#byAgent.values()) for (const ws of set) ws.terminate()
    this.#wss.close()
  }

  #echo(agent: AgentRecord, ws: WebSocket): void {
    let set = this.#byAgent.get(agent.id)
    if (!set) {
      set = new Set()
      this.#byAgent.set(agent.id, set)
    }
    set.add(ws)
    ws.on('message', (data: Buffer) => {
      this.stats.bytesIn += data.length
      ws.send(data, { binary: true })
      this.stats.bytesOut += data.length
    })
    ws.on('error', () => ws.terminate())
    ws.on('close', () => {
      set.delete(ws)
      if (set.size === 0) this.#byAgent.delete(agent.id)
    })
  }
}
