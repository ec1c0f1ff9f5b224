import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

import { type WebSocket, WebSocketServer } from 'ws'

import { authenticate } from './auth.ts'
import { workspaceJson } from './convert.ts'
import { readInboxFilter } from './handlers/notifications.ts'
import { findVersion, isActive } from './handlers/template-versions.ts'
import { findBuild, findWorkspace } from './handlers/workspaces.ts'
import { ApiError, notFound } from './http/api-error.ts'
import { BUILD_VERSION } from './http/respond.ts'
import { Router } from './http/router.ts'
import type { JobRecord } from './records.ts'
import type { Ctx, Sim, SimRoute } from './sim.ts'

type UpgradeCtx = Ctx & { accept: () => Promise<WebSocket> }

/** WebSocket endpoints: inbox watch, workspace watch-ws, provisioner log follow. */
export class Streams {
  #sim: Sim
  #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1 << 16 })
  #routes = new Router<UpgradeCtx>()
  #sockets = new Set<WebSocket>()
  #sse = new Set<() => void>()
  #heartbeat: NodeJS.Timeout

  constructor(sim: Sim) {
    this.#sim = sim
    const ws = (pattern: string, handler: (ctx: UpgradeCtx) => Promise<void>) =>
      this.#routes.add({ method: 'GET', pattern, handler })
    ws('/api/v2/notifications/inbox/watch', (ctx) => this.#inbox(ctx))
    ws('/api/v2/workspaces/:id/watch-ws', (ctx) => this.#workspace(ctx))
    ws('/api/v2/templateversions/:id/logs', (ctx) =>
      this.#logs(ctx, sim.state.jobs.get(findVersion(ctx, ctx.params.id!).jobId)!),
    )
    ws('/api/v2/workspacebuilds/:id/logs', (ctx) =>
      this.#logs(ctx, sim.state.jobOf(findBuild(ctx, ctx.params.id!))),
    )
    this.#heartbeat = setInterval(() => {
      for (const socket of this.#sockets) socket.ping()
      for (const ping of this.#sse) ping()
    }, sim.timing.heartbeatMs)
    this.#heartbeat.unref()
  }

  /** Registers another WebSocket route (the chats stream). */
  addRoute(pattern: string, handler: (ctx: UpgradeCtx) => Promise<void>): void {
    this.#routes.add({ method: 'GET', pattern, handler })
  }

  /** The WebSocket routes, as `{method, pattern}`. */
  routes(): { method: string; pattern: string }[] {
    return this.#routes.routes()
  }

  get openSockets(): number {
    return this.#sockets.size
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://coderd.invalid')
    try {
      const found = this.#routes.match('GET', url.pathname)
      if (!found || typeof found === 'string')
        throw new ApiError(404, `Route ${url.pathname} does not accept WebSocket upgrades.`)
      const user = authenticate(this.#sim.state, req, url)
      const accept = () =>
        new Promise<WebSocket>((resolve) =>
          this.#wss.handleUpgrade(req, socket, head, (ws) => {
            this.#sockets.add(ws)
            ws.on('close', () => this.#sockets.delete(ws))
            ws.on('error', () => ws.terminate())
            resolve(ws)
          }),
        )
      // Upgrade routes never write an HTTP response: errors go out on the raw socket below.
      const res = undefined as unknown as Ctx['res']
      await found.route.handler({ req, res, url, params: found.params, sim: this.#sim, user, accept })
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : new ApiError(500, 'Internal error.', { detail: String(error) })
      const body = JSON.stringify(apiError.toJSON())
      socket.end(
        `HTTP/1.1 ${apiError.status} ${apiError.status === 401 ? 'Unauthorized' : 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Coder-Build-Version: ${BUILD_VERSION}\r\nConnection: close\r\n\r\n${body}`,
      )
    }
  }

  /** The SSE workspace watch (an HTTP route): ping, the current workspace, then one per change. */
  watchRoute(): SimRoute {
    return {
      method: 'GET',
      pattern: '/api/v2/workspaces/:id/watch',
      handler: (ctx) => {
        const workspace = findWorkspace(ctx, ctx.params.id!)
        const { res } = ctx
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
          'x-coder-build-version': BUILD_VERSION,
        })
        const ping = () => res.write('event: ping\n\n')
        const send = () =>
          res.write(
            `event: data\ndata: ${JSON.stringify(workspaceJson(this.#sim.state, this.#sim.provisioner, workspace))}\n\n`,
          )
        ping()
        send()
        const off = this.#sim.workspaceTopics.on(workspace.id, send)
        this.#sse.add(ping)
        res.on('close', () => {
          off()
          this.#sse.delete(ping)
        })
      },
    }
  }

  close(): void {
    clearInterval(this.#heartbeat)
    for (const socket of this.#sockets) socket.terminate()
    this.#wss.close()
  }

  async #inbox(ctx: UpgradeCtx): Promise<void> {
    const filter = readInboxFilter(ctx.url)
    const socket = await ctx.accept()
    this.#sim.hub.add(ctx.user.id, socket, filter)
  }

  async #workspace(ctx: UpgradeCtx): Promise<void> {
    const workspace = findWorkspace(ctx, ctx.params.id!)
    const socket = await ctx.accept()
    const send = () =>
      socket.send(
        JSON.stringify({
          type: 'data',
          data: workspaceJson(this.#sim.state, this.#sim.provisioner, workspace),
        }),
      )
    socket.send(JSON.stringify({ type: 'ping', data: null }))
    send()
    const off = this.#sim.workspaceTopics.on(workspace.id, send)
    socket.on('message', () => socket.close(1002, 'this is a one-way stream'))
    socket.on('close', off)
  }

  async #logs(ctx: UpgradeCtx, job: JobRecord): Promise<void> {
    if (!ctx.url.searchParams.has('follow')) throw notFound()
    let last = Number(ctx.url.searchParams.get('after') ?? 0) || 0
    const socket = await ctx.accept()
    const flush = () => {
      for (const log of job.logs)
        if (log.id > last) {
          socket.send(JSON.stringify(log))
          last = log.id
        }
      if (!isActive(job)) {
        off()
        socket.close(1000, 'done')
      }
    }
    const off = this.#sim.jobTopics.on(job.id, flush)
    socket.on('close', off)
    flush()
  }
}
