import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'

import { adminRoutes } from './admin-routes.ts'
import { AppProxy } from './agents/app-proxy.ts'
import { appStatusRoutes } from './agents/app-status.ts'
import { AgentLifecycle } from './agents/lifecycle.ts'
import { PtyHub } from './agents/pty.ts'
import { agentRoutes } from './agents/routes.ts'
import { AiBridge } from './aibridge/routes.ts'
import type { InterceptionRecord } from './aibridge/store.ts'
import { authenticate, hashPassword } from './auth.ts'
import { Autobuild } from './autobuild.ts'
import { Chats } from './chats/routes.ts'
import type { ChatMessage } from './chats/store.ts'
import { DynamicParameters } from './dynamic-parameters/routes.ts'
import { EventStreams } from './events/index.ts'
import { apiKeyRoutes } from './handlers/api-keys.ts'
import { buildRoutes } from './handlers/builds.ts'
import { fileRoutes } from './handlers/files.ts'
import { notificationRoutes } from './handlers/notifications.ts'
import { organizationRoutes } from './handlers/organizations.ts'
import { templateVersionRoutes } from './handlers/template-versions.ts'
import { templateRoutes } from './handlers/templates.ts'
import { newUser, userRoutes } from './handlers/users.ts'
import { workspaceRoutes } from './handlers/workspaces.ts'
import { ApiError } from './http/api-error.ts'
import { ResponseCollector, toNodeRequest } from './http/fetch-adapter.ts'
import { sendJson } from './http/respond.ts'
import { Router } from './http/router.ts'
import { WORKSPACE_DELETED } from './notifications/catalogue.ts'
import { FaultPlan, type NotificationFaults } from './notifications/faults.ts'
import { InboxHub } from './notifications/inbox-hub.ts'
import { Notifier, type NotifierStats } from './notifications/notifier.ts'
import { SmtpDispatcher } from './notifications/smtp-dispatcher.ts'
import { type CoderdSimulatorOptions, coderdSimulatorOptionsSchema } from './options.ts'
import { Prebuilds, type ReconcileResult } from './prebuilds/reconciler.ts'
import { prebuildRoutes } from './prebuilds/routes.ts'
import { Provisioner } from './provisioner.ts'
import type { JobRecord, UserRecord } from './records.ts'
import { type LoggedRequest, RequestLog } from './request-log.ts'
import { type Ctx, type Sim, Topics } from './sim.ts'
import { SimState } from './state.ts'
import { Streams } from './streams.ts'

/** The simulator without a listener: what the node:http server and the msw handlers both drive. */
export interface CoderdCore {
  state: SimState
  /** Answers one request (node:http shape). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>
  /** Answers one request given as a fetch Request (msw, in-process callers). */
  fetch(request: Request): Promise<Response>
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>
  /** Base URL for emails and notification links, when no `accessUrl` was given. */
  setBaseUrl(url: string): void
  setFaults(faults: NotificationFaults): void
  notificationStats(): NotifierStats
  /** A chat's persisted messages, oldest first (for assertions). */
  chatMessages(chatId: string): ChatMessage[]
  tickAutobuild(at?: number): number
  /** Every AI Bridge interception, oldest first (for assertions). */
  interceptions(): InterceptionRecord[]
  /** Runs one prebuilds reconciliation pass now (nothing while paused). */
  reconcilePrebuilds(): ReconcileResult
  /** The last `requestLogSize` requests answered, oldest first. */
  requestLog(): LoggedRequest[]
  /** Every HTTP and WebSocket route the simulator serves, as `{method, pattern}`. */
  routes(): { method: string; pattern: string }[]
  close(): void
}

/** Builds the in-memory deployment, its provisioner, notifier and routes, without listening. */
export function createCoderdCore(input: CoderdSimulatorOptions = {}): CoderdCore {
  const options = coderdSimulatorOptionsSchema.parse(input)
  const state = new SimState()
  let baseUrl = options.accessUrl ?? ''
  const events = new EventStreams(state, { experiments: options.experiments, faults: options.eventFaults })
  const workspaceTopics = new Topics((id) => events.workspaceChanged(id))
  const jobTopics = new Topics()
  const faults = new FaultPlan()
  if (options.faults) faults.set(options.faults)
  const hub = new InboxHub()
  const smtp = options.emailSmarthost
    ? new SmtpDispatcher({
        smarthost: options.emailSmarthost,
        hello: options.emailHello,
        maxConnections: options.smtpMaxConnections,
      })
    : undefined
  const notifier = new Notifier(state, hub, smtp, faults, {
    dispatchDelayMs: options.dispatchDelayMs,
    retryIntervalMs: options.retryIntervalMs,
    maxSendAttempts: options.maxSendAttempts,
    emailFrom: options.emailFrom,
    baseUrl: () => baseUrl,
  })
  const daemons =
    typeof options.provisionerDaemons === 'number'
      ? Array.from({ length: options.provisionerDaemons }, () => ({}))
      : options.provisionerDaemons
  const agents = new AgentLifecycle(
    state,
    { connectDelayMs: options.agentConnectDelayMs, readyDelayMs: options.agentReadyDelayMs },
    (workspaceId) => workspaceTopics.emit(workspaceId),
  )
  const pty = new PtyHub(options.ptyIdleTimeoutMs)
  const apps = new AppProxy(state, { allowSiteOwnerAccess: options.dangerousAllowPathAppSiteOwnerAccess })
  agents.onAgentOff((agent) => {
    pty.agentOff(agent)
    apps.agentOff(agent)
  })
  const onJobChange = (job: JobRecord) => {
    agents.onJob(job)
    const build = job.workspaceBuildId ? state.builds.get(job.workspaceBuildId) : undefined
    if (build) {
      build.updatedAt = job.updatedAt
      const workspace = state.workspaces.get(build.workspaceId)!
      workspace.updatedAt = job.updatedAt
      if (build.transition === 'delete' && job.status === 'succeeded') {
        workspace.deleted = true
        const owner = state.users.get(workspace.ownerId)
        if (owner && build.initiatorId !== owner.id)
          notifier.enqueue({
            templateId: WORKSPACE_DELETED,
            recipients: [owner],
            labels: {
              name: workspace.name,
              reason: 'initiated by user',
              initiator: state.users.get(build.initiatorId)?.username ?? '',
            },
            targets: [workspace.id, workspace.ownerId, workspace.templateId, workspace.organizationId],
          })
      }
      workspaceTopics.emit(workspace.id)
      events.jobChanged(job)
    }
    const version = job.templateVersionId ? state.templateVersions.get(job.templateVersionId) : undefined
    if (version) version.updatedAt = job.updatedAt
    jobTopics.emit(job.id)
  }
  const provisioner = new Provisioner(
    {
      daemons,
      acquireDelayMs: options.acquireDelayMs,
      jobDurationMs: options.jobDurationMs,
      importJobDurationMs: options.importJobDurationMs ?? options.jobDurationMs,
      cancelDurationMs: options.cancelDurationMs,
    },
    onJobChange,
  )
  const sim: Sim = {
    state,
    provisioner,
    notifier,
    hub,
    faults,
    timing: { heartbeatMs: options.heartbeatMs },
    workspaceTopics,
    jobTopics,
    baseUrl: () => baseUrl,
    enqueueJob: (job) => {
      events.jobChanged(job)
      provisioner.enqueue(job)
      jobTopics.emit(job.id)
    },
  }
  if (options.firstUser)
    newUser(sim, {
      username: options.firstUser.username,
      email: options.firstUser.email,
      name: options.firstUser.name ?? '',
      passwordHash: hashPassword(options.firstUser.password),
      siteRoles: ['owner'],
    })

  const streams = new Streams(sim)
  const chats = new Chats(options.chats)
  streams.addRoute('/api/experimental/chats/:id/stream', (ctx) => chats.stream(ctx))
  streams.addRoute('/api/v2/chats/:id/stream', (ctx) => chats.stream(ctx))
  for (const [pattern, handler] of events.upgradeRoutes()) streams.addRoute(pattern, handler)
  const aibridge = new AiBridge(options.aibridge)
  streams.addRoute('/api/v2/workspaceagents/:id/pty', (ctx) => pty.handle(ctx))
  const autobuild = new Autobuild(sim, options.autobuildPollIntervalMs)
  const prebuilds = new Prebuilds(sim, options.prebuilds)
  const dynamicParameters = new DynamicParameters(options.dynamicParameters)
  for (const [pattern, handler] of dynamicParameters.streams()) streams.addRoute(pattern, handler)
  const router = new Router<Ctx>()
  for (const route of [
    ...adminRoutes(streams, autobuild),
    ...organizationRoutes(),
    ...userRoutes(options.notifyUserEvents),
    ...apiKeyRoutes(),
    ...fileRoutes(),
    ...templateVersionRoutes(),
    ...templateRoutes(),
    ...workspaceRoutes(),
    ...buildRoutes(),
    streams.watchRoute(),
    ...notificationRoutes(),
    ...chats.routes(),
    ...aibridge.routes(),
    ...prebuildRoutes(prebuilds),
    ...dynamicParameters.routes(),
    ...events.routes(),
    ...agentRoutes(agents),
    ...appStatusRoutes((workspaceId) =>
      events.appStatus.publish(workspaceId, (id) => workspaceTopics.emit(id)),
    ),
  ])
    router.add(route)

  const requestLog = new RequestLog(options.requestLogSize)
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now()
    let pattern: string | undefined
    let user: UserRecord | undefined
    if (requestLog.enabled)
      res.once('close', () =>
        requestLog.add({
          at,
          method: req.method ?? 'GET',
          path: (req.url ?? '/').split('?')[0]!,
          pattern,
          status: res.statusCode,
          username: user?.username,
        }),
      )
    try {
      if (apps.handleHttp(req, res)) return
      const url = new URL(req.url ?? '/', 'http://coderd.invalid')
      const found = router.match(req.method ?? 'GET', url.pathname)
      if (found === undefined)
        throw new ApiError(404, 'Route not found.', { detail: `${req.method} ${url.pathname}` })
      if (found === 'method-not-allowed')
        throw new ApiError(405, 'Method not allowed.', { detail: `${req.method} ${url.pathname}` })
      pattern = found.route.pattern
      user = found.route.public ? undefined : authenticate(state, req, url)
      await found.route.handler({ req, res, url, params: found.params, sim, user: user! })
    } catch (error) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(500, 'An internal error occurred.', { detail: (error as Error).message })
      sendJson(res, apiError.status, apiError.toJSON())
    }
  }

  return {
    state,
    handle,
    fetch(request) {
      const res = new ResponseCollector()
      void handle(toNodeRequest(request), res as unknown as ServerResponse)
      return res.response
    },
    handleUpgrade: async (req, socket, head) => {
      if (!apps.handleUpgrade(req, socket, head)) await streams.handleUpgrade(req, socket, head)
    },
    setBaseUrl(url) {
      if (!options.accessUrl) baseUrl = url
    },
    setFaults: (next) => faults.set(next),
    notificationStats: () => ({ ...notifier.stats }),
    chatMessages: (id) => [...(chats.store.chats.get(id)?.messages ?? [])],
    tickAutobuild: (at) => autobuild.tick(at ?? Date.now()),
    interceptions: () => aibridge.interceptions.all(),
    reconcilePrebuilds: () => prebuilds.tick(),
    requestLog: () => requestLog.all(),
    routes: () => [...router.routes(), ...streams.routes()],
    close() {
      void aibridge.close()
      autobuild.close()
      prebuilds.close()
      dynamicParameters.close()
      agents.close()
      events.close()
      pty.close()
      apps.close()
      provisioner.close()
      notifier.close()
      hub.closeAll()
      streams.close()
      chats.close()
      smtp?.close()
    },
  }
}
