// Agents come to life when a start build's job succeeds (Coder inserts resources and agents on job
// completion: coderd/provisionerdserver CompleteJob) and report lifecycle states as a real agent does:
// created/connecting → starting/connected → ready. External agents wait until their credentials were
// fetched (someone ran `coder agent` with the token). A later build's success turns them off.

import { randomUUID } from 'node:crypto'

import type { BuildRecord, JobRecord } from '../records.ts'
import { now, type SimState } from '../state.ts'
import type { AgentRecord, ResourceRecord } from './store.ts'

export interface AgentTiming {
  /** Job success → the agent connects (status connected, lifecycle starting). */
  connectDelayMs: number
  /** Connected → lifecycle ready (startup scripts done). */
  readyDelayMs: number
}

export class AgentLifecycle {
  #state: SimState
  #timing: AgentTiming
  #changed: (workspaceId: string) => void
  #timers = new Set<NodeJS.Timeout>()
  #offListeners = new Set<(agent: AgentRecord) => void>()

  constructor(state: SimState, timing: AgentTiming, changed: (workspaceId: string) => void) {
    this.#state = state
    this.#timing = timing
    this.#changed = changed
  }

  /** Called on every job change, before watchers hear of it. */
  onJob(job: JobRecord): void {
    if (job.type !== 'workspace_build' || job.status !== 'succeeded') return
    const build = job.workspaceBuildId ? this.#state.builds.get(job.workspaceBuildId) : undefined
    if (!build || this.#state.agents.resources.has(build.id)) return
    this.#turnOffEarlierAgents(build)
    if (build.transition === 'start') this.#provision(build, job)
  }

  /** An external agent's credentials were handed out: it connects as if started with them. */
  credentialsFetched(agent: AgentRecord): void {
    if (agent.external && agent.status === 'connecting') this.#connect(agent)
  }

  /** Listeners for an agent going off (the PTY sessions close). */
  onAgentOff(listener: (agent: AgentRecord) => void): () => void {
    this.#offListeners.add(listener)
    return () => this.#offListeners.delete(listener)
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }

  #provision(build: BuildRecord, job: JobRecord): void {
    const store = this.#state.agents
    const version = this.#state.templateVersions.get(build.templateVersionId)
    const model = this.#state.agents.modelOf(version ? this.#state.files.get(version.fileId) : undefined)
    const at = job.completedAt ?? now()
    const agents: AgentRecord[] = []
    const resources: ResourceRecord[] = model.resources.map((r) => {
      const resourceId = randomUUID()
      const agentIds = r.agents.map((name) => {
        const spec = model.agents.find((a) => a.name === name)!
        const agent: AgentRecord = {
          id: randomUUID(),
          name,
          resourceId,
          buildId: build.id,
          workspaceId: build.workspaceId,
          createdAt: at,
          updatedAt: at,
          status: 'connecting',
          lifecycle: 'created',
          firstConnectedAt: undefined,
          lastConnectedAt: undefined,
          disconnectedAt: undefined,
          startedAt: undefined,
          readyAt: undefined,
          operatingSystem: spec.operatingSystem,
          architecture: spec.architecture,
          apps: spec.apps.map((app) => ({
            id: randomUUID(),
            slug: app.slug,
            displayName: app.displayName,
            subdomain: app.subdomain,
            statuses: [],
          })),
          authToken: randomUUID(),
          external: r.type === 'coder_external_agent',
          logSourceId: randomUUID(),
        }
        agents.push(agent)
        return agent.id
      })
      return {
        id: resourceId,
        buildId: build.id,
        jobId: job.id,
        createdAt: at,
        type: r.type,
        name: r.name,
        agentIds,
      }
    })
    store.add(build, resources, agents)
    for (const agent of agents)
      if (!agent.external) this.#after(this.#timing.connectDelayMs, () => this.#connect(agent))
  }

  #connect(agent: AgentRecord): void {
    if (agent.lifecycle !== 'created') return
    const at = now()
    Object.assign(agent, {
      status: 'connected',
      lifecycle: 'starting',
      firstConnectedAt: at,
      lastConnectedAt: at,
      startedAt: at,
      updatedAt: at,
    })
    this.#changed(agent.workspaceId)
    this.#after(this.#timing.readyDelayMs, () => {
      if (agent.lifecycle !== 'starting') return
      const ready = now()
      Object.assign(agent, { lifecycle: 'ready', readyAt: ready, updatedAt: ready })
      this.#changed(agent.workspaceId)
    })
  }

  #turnOffEarlierAgents(build: BuildRecord): void {
    const store = this.#state.agents
    const earlier = store.agentBuildOf.get(build.workspaceId)
    if (earlier === undefined || earlier === build.id) return
    store.agentBuildOf.delete(build.workspaceId)
    for (const agent of store.agentsOfBuild(earlier)) {
      if (agent.lifecycle === 'off') continue
      const at = now()
      Object.assign(agent, { status: 'disconnected', lifecycle: 'off', disconnectedAt: at, updatedAt: at })
      for (const listener of this.#offListeners) listener(agent)
    }
  }

  #after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      fn()
    }, ms)
    this.#timers.add(timer)
  }
}
