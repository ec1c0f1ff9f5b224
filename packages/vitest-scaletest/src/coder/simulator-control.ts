// The coderd simulator's test-control endpoints (outside Coder's API): whether a target is the
// simulator, an autostart executor pass at an injected instant, and event-stream faults.

import { z } from 'zod'

const statsSchema = z.object({ users: z.number(), workspaces: z.number(), websockets: z.number() })
const tickSchema = z.object({ at: z.string(), started: z.number().int() })

export interface EventFaults {
  watch_all_delay_ms?: number
  workspace_updates_delay_ms?: number
  workspace_updates_drop?: boolean
  /** Hold every agent app-status publication to the workspace watchers back this long. */
  app_status_delay_ms?: number
  /** Drop every agent app-status publication (the status is stored, no watcher hears of it). */
  app_status_drop?: boolean
}

export class SimulatorControl {
  readonly url: string

  private constructor(url: string) {
    this.url = url.replace(/\/+$/, '')
  }

  /** The control of the simulator at `url`, or undefined when `url` is something else (a real Coder). */
  static async probe(url: string, signal?: AbortSignal): Promise<SimulatorControl | undefined> {
    const control = new SimulatorControl(url)
    try {
      const res = await fetch(`${control.url}/__admin/stats`, {
        signal: signal ?? AbortSignal.timeout(5_000),
      })
      if (!res.ok || !res.headers.get('content-type')?.includes('json')) return undefined
      return statsSchema.safeParse(await res.json()).success ? control : undefined
    } catch (error) {
      if (signal?.aborted) throw error
      return undefined
    }
  }

  /** Runs one autostart executor pass as if it were `at`; resolves with the builds it started. */
  async tickAutobuild(at: Date, signal?: AbortSignal): Promise<number> {
    const body = await this.#post('/__admin/autobuild/tick', { at: at.toISOString() }, signal)
    return tickSchema.parse(body).started
  }

  /** Replaces the event-stream faults (`{}` clears them). */
  async setEventFaults(faults: EventFaults, signal?: AbortSignal): Promise<void> {
    await this.#post('/__admin/event-faults', faults, signal)
  }

  async #post(path: string, json: unknown, signal?: AbortSignal): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
      signal: signal ?? AbortSignal.timeout(10_000),
    })
    const body = await res.json().catch(() => undefined)
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(body)}`)
    return body
  }
}
