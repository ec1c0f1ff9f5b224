// The dynamic-parameters API of a template version (coderd/parameters.go, codersdk/parameters.go):
//   GET  /api/v2/templateversions/{id}/dynamic-parameters[?user_id=]  WebSocket: the form state with
//        id -1 unprompted, then one response per request `{id, inputs, owner_id?}` carrying its id
//   GET  /api/v2/users/{user}/templateversions/{id}/parameters        the older path, same stream
//   POST /api/v2/templateversions/{id}/dynamic-parameters/evaluate    one request, answered with id 0
// A version whose import has not completed answers 425; a session ends after 3 minutes (1001).

import type { WebSocket } from 'ws'
import { z } from 'zod'

import { resolveUser } from '../handlers/common.ts'
import { findVersion } from '../handlers/template-versions.ts'
import { ApiError, notFound } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendJson } from '../http/respond.ts'
import type { UserRecord } from '../records.ts'
import type { Ctx, SimRoute } from '../sim.ts'
import { isUuid } from '../state.ts'
import { templateFiles } from '../template-source.ts'
import { EvaluationCost, type EvaluationCostOptions } from './cost.ts'
import { moduleDiagnostics, renderChain, templateKind } from './evaluate.ts'

type UpgradeCtx = Ctx & { accept: () => Promise<WebSocket> }

const requestSchema = z.object({
  id: z.number().int(),
  inputs: z.record(z.string(), z.string()).nullish(),
  owner_id: z.string().optional(),
})

export interface DynamicParametersOptions extends EvaluationCostOptions {
  /** Coder closes a session after 3 minutes. */
  sessionTimeoutMs: number
}

export class DynamicParameters {
  readonly cost: EvaluationCost
  #options: DynamicParametersOptions
  #sessions = new Set<WebSocket>()

  constructor(options: DynamicParametersOptions) {
    this.#options = options
    this.cost = new EvaluationCost(options)
  }

  routes(): SimRoute[] {
    return [
      {
        method: 'POST',
        pattern: '/api/v2/templateversions/:id/dynamic-parameters/evaluate',
        handler: async (ctx) => {
          const versionId = this.#readyVersion(ctx)
          const body = await readJson(ctx.req, requestSchema)
          const owner = this.#owner(ctx, body.owner_id) ?? ctx.user
          const response = await this.#render(ctx, versionId, owner, body.inputs ?? {})
          sendJson(ctx.res, 200, { id: 0, ...response })
        },
      },
    ]
  }

  /** Upgrade handlers, registered with the simulator's WebSocket routes. */
  streams(): [string, (ctx: UpgradeCtx) => Promise<void>][] {
    return [
      ['/api/v2/templateversions/:id/dynamic-parameters', (ctx) => this.#session(ctx, undefined)],
      [
        '/api/v2/users/:user/templateversions/:id/parameters',
        (ctx) => this.#session(ctx, resolveUser(ctx, ctx.params.user!)),
      ],
    ]
  }

  close(): void {
    this.cost.close()
    for (const socket of this.#sessions) socket.terminate()
  }

  async #session(ctx: UpgradeCtx, pathOwner: UserRecord | undefined): Promise<void> {
    const versionId = this.#readyVersion(ctx)
    let owner = pathOwner ?? this.#owner(ctx, ctx.url.searchParams.get('user_id') ?? undefined) ?? ctx.user
    const socket = await ctx.accept()
    this.#sessions.add(socket)
    const timeout = setTimeout(() => socket.close(1001, 'session timed out'), this.#options.sessionTimeoutMs)
    socket.on('close', () => {
      clearTimeout(timeout)
      this.#sessions.delete(socket)
    })
    // Requests are answered in order, one at a time, as Coder's handler loop does.
    let chain = this.#render(ctx, versionId, owner, {})
      .then((r) => send(socket, { id: -1, ...r }))
      .catch(() => socket.close(1011, 'evaluation failed'))
    socket.on('message', (data, isBinary) => {
      let request: z.infer<typeof requestSchema>
      try {
        if (isBinary) throw new Error('binary frame')
        request = requestSchema.parse(JSON.parse(String(data)))
        owner = this.#owner(ctx, request.owner_id) ?? owner
      } catch {
        socket.close(1007, 'invalid dynamic parameters request')
        return
      }
      const current = owner
      chain = chain
        .then(() => this.#render(ctx, versionId, current, request.inputs ?? {}))
        .then((r) => send(socket, { id: request.id, ...r }))
        .catch(() => socket.close(1011, 'evaluation failed'))
    })
  }

  /** The version's id, once its import job completed (425 before, as Coder answers). */
  #readyVersion(ctx: Ctx): string {
    const version = findVersion(ctx, ctx.params.id!)
    const job = ctx.sim.state.jobs.get(version.jobId)
    if (!job?.completedAt) throw new ApiError(425, 'Template version job has not finished')
    return version.id
  }

  #owner(ctx: Ctx, id: string | undefined): UserRecord | undefined {
    if (!id || id === '00000000-0000-0000-0000-000000000000') return undefined
    const user = isUuid(id) ? ctx.sim.state.users.get(id.toLowerCase()) : undefined
    if (!user) throw notFound()
    return user
  }

  async #render(ctx: Ctx, versionId: string, owner: UserRecord, inputs: Record<string, string>) {
    await this.cost.pay(versionId)
    const version = ctx.sim.state.templateVersions.get(versionId)!
    const files = templateFiles(ctx.sim.state.files.get(version.fileId))
    if (templateKind(files) === 'none') return { diagnostics: [], parameters: [] }
    const roles = [...owner.siteRoles, ...owner.organizationIds.map(() => 'organization-member')]
    return renderChain(inputs, { username: owner.username, roles }, moduleDiagnostics(files))
  }
}

function send(socket: WebSocket, body: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(body))
}
