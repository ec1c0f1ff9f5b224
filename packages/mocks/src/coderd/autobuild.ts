import { isActive } from './handlers/template-versions.ts'
import { startBuild } from './handlers/workspaces.ts'
import { nextFireAfter, parseWeeklySchedule } from './schedule.ts'
import type { Sim } from './sim.ts'

const MINUTE = 60_000

/**
 * Coder's lifecycle executor (coderd/autobuild/lifecycle_executor.go), autostart only. A pass at
 * instant `t` truncates it to the minute (`currentTick`) and starts every workspace whose latest
 * build is a succeeded `stop`, whose owner is active and whose template allows autostart, once
 * `sched.Next(stopBuild.CreatedAt)` is not after `currentTick` (`isEligibleForAutostart`), with
 * reason `autostart`. Passes run every CODER_AUTOBUILD_POLL_INTERVAL on the wall clock, or at any
 * instant a test injects (`tick(at)`), so a schedule a minute ahead can come due without waiting.
 */
export class Autobuild {
  #sim: Sim
  #timer: NodeJS.Timeout
  /** `sched.Next` per (stop build, schedule): the executor asks again every pass. */
  #next = new Map<string, number | undefined>()

  constructor(sim: Sim, pollIntervalMs: number) {
    this.#sim = sim
    this.#timer = setInterval(() => this.tick(Date.now()), pollIntervalMs)
    this.#timer.unref()
  }

  /** Runs one pass as if the executor ticked at `at` (ms since epoch); returns how many builds it started. */
  tick(at: number): number {
    const currentTick = Math.floor(at / MINUTE) * MINUTE
    let started = 0
    const { state } = this.#sim
    for (const workspace of state.workspaces.values()) {
      if (workspace.deleted || !workspace.autostartSchedule) continue
      const latest = state.latestBuild(workspace)
      const job = state.jobOf(latest)
      if (latest.transition !== 'stop' || job.status !== 'succeeded' || isActive(job)) continue
      if (state.users.get(workspace.ownerId)?.status !== 'active') continue
      const template = state.templates.get(workspace.templateId)
      if (template && !template.allowUserAutostart) continue
      const next = this.#nextAfter(latest.id, latest.createdAt, workspace.autostartSchedule)
      if (next === undefined || currentTick < next) continue
      startBuild(this.#sim, workspace, {
        transition: 'start',
        versionId: template?.activeVersionId ?? latest.templateVersionId,
        initiatorId: workspace.ownerId,
        reason: 'autostart',
      })
      this.#next.delete(`${latest.id} ${workspace.autostartSchedule}`)
      started++
    }
    return started
  }

  close(): void {
    clearInterval(this.#timer)
  }

  #nextAfter(buildId: string, createdAt: string, spec: string): number | undefined {
    const key = `${buildId} ${spec}`
    if (!this.#next.has(key)) {
      const schedule = parseWeeklySchedule(spec)
      this.#next.set(key, schedule && nextFireAfter(schedule, Date.parse(createdAt)))
    }
    return this.#next.get(key)
  }
}
