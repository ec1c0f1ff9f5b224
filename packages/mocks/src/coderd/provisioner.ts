import { randomUUID } from 'node:crypto'

import type { JobView } from './convert.ts'
import type { JobLogRecord, JobRecord } from './records.ts'
import { now } from './state.ts'

export interface DaemonSpec {
  name?: string
  tags?: Record<string, string>
}

export interface ProvisionerOptions {
  daemons: DaemonSpec[]
  /** Time a daemon takes to pick up a matching pending job. */
  acquireDelayMs: number
  /** Time from running to succeeded for workspace builds. */
  jobDurationMs: number
  /** Same for template version imports. */
  importJobDurationMs: number
  /** Time from canceling to canceled for a running job. */
  cancelDurationMs: number
}

interface Daemon {
  id: string
  name: string
  tags: Record<string, string>
  job: JobRecord | undefined
  timer: NodeJS.Timeout | undefined
}

export const UNTAGGED: Record<string, string> = { scope: 'organization', owner: '' }

/** `provisionersdk.MutateTags`: scope defaults to organization; user scope is owned by the creator. */
export function mutateTags(userId: string, tags: Record<string, string>): Record<string, string> {
  const out = { ...tags }
  out.scope ??= 'organization'
  if (out.scope === 'user') out.owner = userId
  else if (out.scope === 'organization') out.owner = ''
  return out
}

/**
 * `provisioner_tagset_contains`: an untagged job only runs on an untagged daemon; any other job
 * runs on a daemon whose tags include all of the job's. So a deployment whose daemons all carry
 * tags leaves untagged versions pending forever (the dynamic-parameters scaletest problem).
 */
export function tagsMatch(daemonTags: Record<string, string>, jobTags: Record<string, string>): boolean {
  const jobKeys = Object.keys(jobTags)
  const untagged = jobKeys.length === 2 && jobTags.scope === 'organization' && jobTags.owner === ''
  if (untagged) {
    const daemonKeys = Object.keys(daemonTags)
    return daemonKeys.length === 2 && daemonTags.scope === 'organization' && daemonTags.owner === ''
  }
  return jobKeys.every((key) => daemonTags[key] === jobTags[key])
}

/** Simulated provisioner daemons: one job each at a time, FIFO among the jobs their tags match. */
export class Provisioner implements JobView {
  #daemons: Daemon[]
  #pending: JobRecord[] = []
  #options: ProvisionerOptions
  #onChange: (job: JobRecord) => void
  #timers = new Set<NodeJS.Timeout>()
  #logId = 0
  #closed = false

  constructor(options: ProvisionerOptions, onChange: (job: JobRecord) => void) {
    this.#options = options
    this.#onChange = onChange
    this.#daemons = options.daemons.map((spec, i) => ({
      id: randomUUID(),
      name: spec.name ?? `simulated-provisioner-${i + 1}`,
      // Daemons get the same defaults as jobs (scope organization, owner ''), as `coder provisioner start` does.
      tags: spec.tags ? { owner: '', ...mutateTags('', spec.tags) } : { ...UNTAGGED },
      job: undefined,
      timer: undefined,
    }))
  }

  enqueue(job: JobRecord): void {
    this.#pending.push(job)
    this.#schedule()
  }

  cancel(job: JobRecord): void {
    const at = now()
    if (job.status === 'pending') {
      this.#pending = this.#pending.filter((j) => j !== job)
      Object.assign(job, { status: 'canceled', canceledAt: at, completedAt: at, updatedAt: at })
      this.#onChange(job)
      return
    }
    if (job.status !== 'running') return
    const daemon = this.#daemons.find((d) => d.job === job)
    if (daemon?.timer) clearTimeout(daemon.timer)
    Object.assign(job, { status: 'canceling', canceledAt: at, updatedAt: at })
    this.#log(job, 'provisioner_daemon', 'warn', 'Canceling', 'Job was canceled')
    this.#onChange(job)
    const finish = () => {
      const done = now()
      Object.assign(job, { status: 'canceled', completedAt: done, updatedAt: done })
      this.#onChange(job)
      this.#release(job)
    }
    if (daemon) daemon.timer = this.#after(this.#options.cancelDurationMs, finish)
    else finish()
  }

  queuePosition(job: JobRecord): { position: number; size: number } {
    const index = this.#pending.indexOf(job)
    return { position: index < 0 ? 0 : index + 1, size: this.#pending.length }
  }

  matched(tags: Record<string, string>): { count: number; available: number; most_recently_seen?: string } {
    const count = this.#daemons.filter((d) => tagsMatch(d.tags, tags)).length
    return { count, available: count, ...(count > 0 && { most_recently_seen: now() }) }
  }

  daemons(): { id: string; name: string; tags: Record<string, string>; busy: boolean }[] {
    return this.#daemons.map((d) => ({ id: d.id, name: d.name, tags: d.tags, busy: d.job !== undefined }))
  }

  close(): void {
    this.#closed = true
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }

  #schedule(): void {
    if (this.#closed) return
    for (const daemon of this.#daemons) {
      if (daemon.job) continue
      const index = this.#pending.findIndex((job) => tagsMatch(daemon.tags, job.tags))
      if (index < 0) continue
      const [job] = this.#pending.splice(index, 1)
      this.#acquire(daemon, job!)
    }
  }

  #acquire(daemon: Daemon, job: JobRecord): void {
    daemon.job = job
    daemon.timer = this.#after(this.#options.acquireDelayMs, () => {
      const at = now()
      Object.assign(job, {
        status: 'running',
        startedAt: at,
        updatedAt: at,
        workerId: daemon.id,
        workerName: daemon.name,
      })
      this.#log(job, 'provisioner_daemon', 'info', 'Setting up', '')
      this.#log(
        job,
        'provisioner',
        'info',
        job.type === 'workspace_build' ? 'Planning infrastructure' : 'Parsing template parameters',
        `${job.provisioner}: simulated`,
      )
      this.#onChange(job)
      const duration =
        job.type === 'workspace_build' ? this.#options.jobDurationMs : this.#options.importJobDurationMs
      daemon.timer = this.#after(duration, () => {
        const done = now()
        this.#log(job, 'provisioner_daemon', 'info', 'Cleaning Up', '')
        Object.assign(job, { status: 'succeeded', completedAt: done, updatedAt: done })
        this.#onChange(job)
        this.#release(job)
      })
    })
  }

  #release(job: JobRecord): void {
    const daemon = this.#daemons.find((d) => d.job === job)
    if (daemon) {
      daemon.job = undefined
      daemon.timer = undefined
    }
    this.#schedule()
  }

  #log(
    job: JobRecord,
    source: JobLogRecord['log_source'],
    level: JobLogRecord['log_level'],
    stage: string,
    output: string,
  ): void {
    job.logs.push({
      id: ++this.#logId,
      created_at: now(),
      log_source: source,
      log_level: level,
      stage,
      output,
    })
  }

  #after(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      if (!this.#closed) fn()
    }, ms)
    this.#timers.add(timer)
    return timer
  }
}
