// The reconnecting PTY websocket, `GET /api/v2/workspaceagents/{id}/pty` (coderd/workspaceagents.go
// workspaceAgentPTY; the agent side is agent/reconnectingpty). Query: `reconnect` (a UUID naming the
// session), `width`, `height`, `command`. Input: a stream of JSON ReconnectingPTYRequest objects
// `{"data","height","width"}` (codersdk/workspacesdk), possibly split or joined across messages.
// Output: the terminal's raw bytes as binary messages. Reconnecting with the same id replays the
// session's buffered output (64 KiB, as the agent's ring buffer) and carries on; a session whose
// process exited closes its sockets, and one nobody holds ends after the idle timeout.

import type { WebSocket } from 'ws'

import { canSee } from '../handlers/workspaces.ts'
import { ApiError, badRequest, notFound } from '../http/api-error.ts'
import type { Ctx } from '../sim.ts'
import { isUuid } from '../state.ts'
import { SimShell } from './shell.ts'
import type { AgentRecord } from './store.ts'

const BUFFER_BYTES = 64 * 1024

type UpgradeCtx = Ctx & { accept: () => Promise<WebSocket> }

interface Session {
  key: string
  agentId: string
  shell: SimShell
  sockets: Set<WebSocket>
  buffer: Buffer[]
  buffered: number
  idle: NodeJS.Timeout | undefined
}

export interface PtyStats {
  sessions: number
  bytesIn: number
  bytesOut: number
}

export class PtyHub {
  #sessions = new Map<string, Session>()
  #idleTimeoutMs: number
  readonly stats = { bytesIn: 0, bytesOut: 0 }

  constructor(idleTimeoutMs: number) {
    this.#idleTimeoutMs = idleTimeoutMs
  }

  get sessions(): number {
    return this.#sessions.size
  }

  async handle(ctx: UpgradeCtx): Promise<void> {
    const id = ctx.params.id!
    if (!isUuid(id))
      throw badRequest(`Invalid UUID "${id}".`, [{ field: 'workspaceagent', detail: 'must be a valid UUID' }])
    const agent = ctx.sim.state.agents.agents.get(id.toLowerCase())
    const workspace = agent && ctx.sim.state.workspaces.get(agent.workspaceId)
    if (!agent || !workspace || !canSee(ctx.user, workspace)) throw notFound()
    if (workspace.ownerId !== ctx.user.id && !ctx.user.siteRoles.includes('owner')) throw notFound()
    if (agent.status !== 'connected')
      throw new ApiError(400, `Agent state is "${agent.status}", it must be in the "connected" state.`)
    const query = ctx.url.searchParams
    const reconnect = query.get('reconnect') ?? ''
    if (!isUuid(reconnect))
      throw badRequest('Query parameters have invalid values.', [
        { field: 'reconnect', detail: 'Query param "reconnect" must be a valid UUID.' },
      ])
    for (const field of ['width', 'height']) {
      const raw = query.get(field)
      if (raw !== null && raw !== '' && !(/^\d+$/.test(raw) && Number(raw) <= 65_535))
        throw badRequest('Query parameters have invalid values.', [
          { field, detail: `Query param "${field}" must be a valid 16-bit unsigned integer.` },
        ])
    }
    const socket = await ctx.accept()
    const key = `${agent.id}/${reconnect.toLowerCase()}`
    const existing = this.#sessions.get(key)
    const session = existing ?? this.#session(key, agent.id)
    this.#attach(session, socket)
    // A new session's process starts once its first socket listens, so none of its output is lost.
    if (!existing) session.shell.start(query.get('command') ?? '')
  }

  /** The agent went away (a stop or delete build): its sessions end. */
  agentOff(agent: AgentRecord): void {
    for (const session of this.#sessions.values())
      if (session.agentId === agent.id) this.#end(session, 1001, 'agent disconnected')
  }

  close(): void {
    for (const session of this.#sessions.values()) this.#end(session, 1001, 'server closing')
  }

  #session(key: string, agentId: string): Session {
    const session: Session = {
      key,
      agentId,
      sockets: new Set(),
      buffer: [],
      buffered: 0,
      idle: undefined,
      shell: new SimShell(
        (text) => this.#output(session, Buffer.from(text, 'utf8')),
        () => this.#end(session, 1000, 'process exited'),
      ),
    }
    this.#sessions.set(key, session)
    return session
  }

  #attach(session: Session, socket: WebSocket): void {
    if (session.idle) clearTimeout(session.idle)
    session.idle = undefined
    if (session.buffered > 0) socket.send(Buffer.concat(session.buffer), { binary: true })
    session.sockets.add(socket)
    const decoder = new JsonStreamDecoder()
    socket.on('message', (data: Buffer) => {
      this.stats.bytesIn += data.length
      let requests: unknown[]
      try {
        requests = decoder.push(data.toString('utf8'))
      } catch (error) {
        socket.close(1007, `invalid ReconnectingPTYRequest: ${(error as Error).message}`.slice(0, 120))
        return
      }
      for (const request of requests) {
        const data = (request as { data?: unknown }).data
        if (typeof data === 'string' && data !== '') session.shell.input(data)
      }
    })
    socket.on('close', () => {
      session.sockets.delete(socket)
      if (session.sockets.size === 0 && this.#sessions.has(session.key)) {
        session.idle = setTimeout(() => this.#end(session, 1000, 'idle'), this.#idleTimeoutMs)
        session.idle.unref()
      }
    })
  }

  #output(session: Session, chunk: Buffer): void {
    session.buffer.push(chunk)
    session.buffered += chunk.length
    while (session.buffered > BUFFER_BYTES && session.buffer.length > 1) {
      session.buffered -= session.buffer.shift()!.length
    }
    for (const socket of session.sockets) {
      this.stats.bytesOut += chunk.length
      socket.send(chunk, { binary: true })
    }
  }

  #end(session: Session, code: number, reason: string): void {
    if (!this.#sessions.delete(session.key)) return
    if (session.idle) clearTimeout(session.idle)
    session.shell.close()
    for (const socket of session.sockets) socket.close(code, reason)
  }
}

/** Splits a byte stream into the JSON objects it carries, as Go's json.Decoder reads them. */
export class JsonStreamDecoder {
  #pending = ''

  push(text: string): unknown[] {
    // The common case, one whole object per message, without a scan.
    if (this.#pending === '' && text.startsWith('{') && text.endsWith('}')) {
      try {
        return [JSON.parse(text)]
      } catch {
        // Two objects back to back, or a broken one: the scan below tells which.
      }
    }
    this.#pending += text
    const out: unknown[] = []
    let depth = 0
    let quoted = false
    let start = -1
    let consumed = 0
    for (let i = 0; i < this.#pending.length; i++) {
      const c = this.#pending[i]
      if (quoted) {
        if (c === '\\') i++
        else if (c === '"') quoted = false
        continue
      }
      if (c === '"') quoted = true
      else if (c === '{') {
        if (depth === 0) start = i
        depth++
      } else if (c === '}') {
        depth--
        if (depth < 0) throw new Error('unbalanced }')
        if (depth === 0) {
          out.push(JSON.parse(this.#pending.slice(start, i + 1)))
          consumed = i + 1
        }
      } else if (depth === 0 && !/\s/.test(c!))
        throw new Error(`unexpected ${JSON.stringify(c)} between objects`)
    }
    this.#pending = this.#pending.slice(consumed)
    if (this.#pending.length > 1 << 20) throw new Error('request larger than 1 MiB')
    return out
  }
}
