import { isActive } from './handlers/template-versions.ts'
import { startBuild } from './handlers/workspaces.ts'
import { firesAt, parseWeeklySchedule } from './schedule.ts'
import type { Sim } from './sim.ts'

const MINUTE = 60_000

/**
 * Coder's autobuild executor: every tick, start each stopped workspace whose autostart schedule
 * fired in a minute since the previous tick (reason `autostart`). Tick = CODER_AUTOBUILD_POLL_INTERVAL.
 */
export class Autobuild {
  #sim: Sim
  #timer: NodeJS.Timeout
  #last = Date.now()

  constructor(sim: Sim, pollIntervalMs: number) {
    this.#sim = sim
    this.#timer = setInterval(() => this.tick(Date.now()), pollIntervalMs)
    this.#timer.unref()
  }

  /** Runs one pass over `(previous tick, at]`; returns how many builds it started. */
  tick(at: number): number {
    const from = Math.floor(this.#last / MINUTE) * MINUTE + MINUTE
    this.#last = at
    const minutes: number[] = []
    for (let m = from; m <= at && minutes.length < 60; m += MINUTE) minutes.push(m)
    if (minutes.length === 0) return 0
    let started = 0
    const { state } = this.#sim
    for (const workspace of state.workspaces.values()) {
      if (workspace.deleted || !workspace.autostartSchedule) continue
      const latest = state.latestBuild(workspace)
      const job = state.jobOf(latest)
      if (latest.transition !== 'stop' || job.status !== 'succeeded' || isActive(job)) continue
      const schedule = parseWeeklySchedule(workspace.autostartSchedule)
      if (!schedule || !minutes.some((m) => firesAt(schedule, m))) continue
      const template = state.templates.get(workspace.templateId)
      startBuild(this.#sim, workspace, {
        transition: 'start',
        versionId: template?.activeVersionId ?? latest.templateVersionId,
        initiatorId: workspace.ownerId,
        reason: 'autostart',
      })
      started++
    }
    return started
  }

  close(): void {
    clearInterval(this.#timer)
  }
}
