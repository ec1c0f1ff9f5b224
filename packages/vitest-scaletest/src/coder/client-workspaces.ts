import { API, seg, signalOnly } from './client-core.ts'
import { CoderTemplatesClient, type JobWaitOptions } from './client-templates.ts'
import { CoderJobError, CoderStreamError } from './errors.ts'
import * as e from './event-schemas.ts'
import { ACTIVE_JOB_STATUSES, pollUntil } from './poll.ts'
import type { CreateWorkspaceBuildRequest, CreateWorkspaceRequest, ListQuery } from './requests.ts'
import * as s from './schemas.ts'
import { openSseStream } from './sse-stream.ts'
import type { CoderStream } from './stream.ts'
import { validate } from './transport.ts'
import { type DialOptions, dialJsonWebSocket } from './websocket-stream.ts'
import * as w from './workspace-schemas.ts'

/** Workspaces, builds, schedules and the workspace watch (codersdk). */
export class CoderWorkspacesClient extends CoderTemplatesClient {
  // Workspaces and builds (§6)

  createWorkspace(req: CreateWorkspaceRequest, user = 'me', signal?: AbortSignal): Promise<w.Workspace> {
    const path = `${API}/users/${seg(user)}/workspaces`
    return this.transport.json(w.workspaceSchema, 'POST', path, { json: req, signal })
  }

  workspace(
    id: string,
    options: { includeDeleted?: boolean; signal?: AbortSignal } = {},
  ): Promise<w.Workspace> {
    const query = { include_deleted: options.includeDeleted || undefined }
    const path = `${API}/workspaces/${seg(id)}`
    return this.transport.json(w.workspaceSchema, 'GET', path, { query, ...signalOnly(options.signal) })
  }

  workspaceByOwnerAndName(owner: string, name: string, signal?: AbortSignal): Promise<w.Workspace> {
    const path = `${API}/users/${seg(owner)}/workspace/${seg(name)}`
    return this.transport.json(w.workspaceSchema, 'GET', path, { signal })
  }

  /** `q` e.g. `owner:"me" name:"scaletest-"`; bare words match the name. */
  listWorkspaces(query: ListQuery = {}, signal?: AbortSignal): Promise<w.WorkspacesResponse> {
    return this.transport.json(w.workspacesResponseSchema, 'GET', `${API}/workspaces`, {
      query: { ...query },
      signal,
    })
  }

  createWorkspaceBuild(
    workspaceId: string,
    req: CreateWorkspaceBuildRequest,
    signal?: AbortSignal,
  ): Promise<w.WorkspaceBuild> {
    const path = `${API}/workspaces/${seg(workspaceId)}/builds`
    return this.transport.json(w.workspaceBuildSchema, 'POST', path, { json: req, signal })
  }

  startWorkspace(workspaceId: string, req: Omit<CreateWorkspaceBuildRequest, 'transition'> = {}) {
    return this.createWorkspaceBuild(workspaceId, { ...req, transition: 'start' })
  }

  stopWorkspace(workspaceId: string, req: Omit<CreateWorkspaceBuildRequest, 'transition'> = {}) {
    return this.createWorkspaceBuild(workspaceId, { ...req, transition: 'stop' })
  }

  deleteWorkspace(workspaceId: string, req: Omit<CreateWorkspaceBuildRequest, 'transition'> = {}) {
    return this.createWorkspaceBuild(workspaceId, { ...req, transition: 'delete' })
  }

  workspaceBuild(id: string, signal?: AbortSignal): Promise<w.WorkspaceBuild> {
    return this.transport.json(w.workspaceBuildSchema, 'GET', `${API}/workspacebuilds/${seg(id)}`, { signal })
  }

  workspaceBuilds(
    workspaceId: string,
    query: ListQuery = {},
    signal?: AbortSignal,
  ): Promise<w.WorkspaceBuild[]> {
    const path = `${API}/workspaces/${seg(workspaceId)}/builds`
    return this.transport.json(w.workspaceBuildsSchema, 'GET', path, {
      query: { ...query, q: undefined },
      signal,
    })
  }

  /** Cancels a build's job. `expectStatus` makes Coder answer 412 if the job moved on meanwhile. */
  cancelWorkspaceBuild(
    id: string,
    options: { expectStatus?: 'pending' | 'running'; signal?: AbortSignal } = {},
  ) {
    const path = `${API}/workspacebuilds/${seg(id)}/cancel`
    const query = { expect_status: options.expectStatus }
    return this.transport.json(s.messageResponseSchema, 'PATCH', path, {
      query,
      ...signalOnly(options.signal),
    })
  }

  workspaceBuildLogs(id: string, options: { after?: number; signal?: AbortSignal } = {}) {
    const path = `${API}/workspacebuilds/${seg(id)}/logs`
    const query = { after: options.after }
    return this.transport.json(s.provisionerJobLogsSchema, 'GET', path, {
      query,
      ...signalOnly(options.signal),
    })
  }

  /** Follows a build's logs over a websocket; ends (close 1000) when the job does. */
  followWorkspaceBuildLogs(
    id: string,
    options: DialOptions & { after?: number } = {},
  ): Promise<CoderStream<s.ProvisionerJobLog>> {
    const path = `${API}/workspacebuilds/${seg(id)}/logs`
    const query = { follow: true, after: options.after }
    return dialJsonWebSocket(this.transport, path, query, s.provisionerJobLogSchema, (log) => [log], options)
  }

  /** Polls until the build's job ends; throws CoderJobError unless it ends in `accept` (default succeeded). */
  async waitForBuild(id: string, options: JobWaitOptions = {}): Promise<w.WorkspaceBuild> {
    const build = await pollUntil(
      `wait for workspace build ${id}`,
      (signal) => this.workspaceBuild(id, signal),
      (b) => !ACTIVE_JOB_STATUSES.has(b.job.status),
      { ...options, describe: (b) => `${b.transition} ${b.status}` },
    )
    const what = `workspace build ${id} (${build.transition} of ${build.workspace_name})`
    if (!(options.accept ?? ['succeeded']).includes(build.job.status))
      throw new CoderJobError(what, build.job)
    return build
  }

  /** `schedule` like `CRON_TZ=UTC 30 9 * * *`; undefined or '' disables autostart. */
  async updateWorkspaceAutostart(workspaceId: string, schedule: string | undefined, signal?: AbortSignal) {
    const path = `${API}/workspaces/${seg(workspaceId)}/autostart`
    await this.transport.send('PUT', path, {
      json: { schedule: schedule || undefined },
      ok: [200, 204],
      signal,
    })
  }

  async updateWorkspaceTtl(workspaceId: string, ttlMs: number | null, signal?: AbortSignal): Promise<void> {
    const path = `${API}/workspaces/${seg(workspaceId)}/ttl`
    await this.transport.send('PUT', path, { json: { ttl_ms: ttlMs }, ok: [200, 204], signal })
  }

  /** SSE watch: the current workspace at once, then the whole workspace on every change. */
  watchWorkspace(workspaceId: string, options: DialOptions = {}): Promise<CoderStream<w.Workspace>> {
    return openSseStream(
      this.transport,
      `${API}/workspaces/${seg(workspaceId)}/watch`,
      {},
      w.workspaceSchema,
      options,
    )
  }

  /** The websocket form of watchWorkspace (`/watch-ws`): `{type, data}` messages, pings dropped. */
  watchWorkspaceWs(workspaceId: string, options: DialOptions = {}): Promise<CoderStream<w.Workspace>> {
    const path = `${API}/workspaces/${seg(workspaceId)}/watch-ws`
    const endpoint = `GET ${path}`
    return dialJsonWebSocket(
      this.transport,
      path,
      {},
      s.oneWayFrameSchema,
      (frame) => {
        if (frame.type === 'ping') return []
        if (frame.type === 'error') {
          const error = s.errorBodySchema.safeParse(frame.data)
          throw new CoderStreamError(
            endpoint,
            `server sent error: ${error.data?.message ?? JSON.stringify(frame.data)}`,
          )
        }
        return [validate(w.workspaceSchema, endpoint, frame.data)]
      },
      options,
    )
  }

  // Event streams (§6.6, §12)

  /** The deployment's enabled experiments. */
  experiments(signal?: AbortSignal): Promise<string[]> {
    return this.transport.json(e.experimentsSchema, 'GET', `${API}/experiments`, { signal })
  }

  /**
   * One websocket for every build of every workspace (experiment `workspace-build-updates`, owners):
   * a bare `WorkspaceBuildUpdate` per job-state change. A deployment without the experiment refuses
   * the dial with 403.
   */
  watchAllWorkspaceBuilds(options: DialOptions = {}): Promise<CoderStream<e.WorkspaceBuildUpdate>> {
    return dialJsonWebSocket(
      this.transport,
      '/api/experimental/watch-all-workspacebuilds',
      {},
      e.workspaceBuildUpdateSchema,
      (update) => [update],
      options,
    )
  }

  /**
   * The workspace-updates stream of one owner, as a Coder Connect client follows it: a snapshot,
   * then a diff per change. This is the simulator's JSON carriage of Coder's tailnet
   * `WorkspaceUpdates` RPC; a real deployment speaks dRPC there and answers this dial with an error.
   */
  watchWorkspaceUpdates(ownerId: string, options: DialOptions = {}): Promise<CoderStream<e.WorkspaceUpdate>> {
    return dialJsonWebSocket(
      this.transport,
      `${API}/tailnet`,
      { sim: 'workspace-updates', owner_id: ownerId },
      e.workspaceUpdateSchema,
      (update) => [update],
      options,
    )
  }
}
