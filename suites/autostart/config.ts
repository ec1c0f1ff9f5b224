// The autostart scenario's knobs, read from the environment variables of Coder's
// `coder exp scaletest autostart` flags (cli/exp_scaletest.go). Every bad value is reported
// before anything is created.

import { z } from 'zod'

import { knob, parseKnobs } from '@scaletest/vitest'

const schema = z.object({
  CODER_SCALETEST_WORKSPACE_COUNT: knob.int(10, 1),
  CODER_SCALETEST_WORKSPACE_JOB_TIMEOUT: knob.duration('5m'),
  // Coder's runner rejects less than two minutes: the schedule is rounded to the nearest minute.
  CODER_SCALETEST_AUTOSTART_DELAY: knob.duration('2m', { minMs: 120_000 }),
  CODER_SCALETEST_AUTOSTART_TIMEOUT: knob.duration('5m'),
  CODER_SCALETEST_TEMPLATE: z.string().optional(),
  // The deployment's executor tick (Coder server: CODER_AUTOBUILD_POLL_INTERVAL, 1m).
  CODER_AUTOBUILD_POLL_INTERVAL: knob.duration('1m'),
  SCALETEST_AUTOSTART_CLOCK: knob.choice('auto', ['auto', 'simulated', 'real'] as const),
})

export type AutostartClock = 'auto' | 'simulated' | 'real'

export interface AutostartConfig {
  workspaceCount: number
  workspaceJobTimeoutMs: number
  autostartDelayMs: number
  autostartTimeoutMs: number
  /** Name or id; undefined ⇒ the scenario creates an empty template (simulator only). */
  template: string | undefined
  autobuildPollIntervalMs: number
  /** `simulated`: drive the simulator's executor at the schedule's instant; `real`: wait for it. */
  clock: AutostartClock
}

export function loadAutostartConfig(env: Record<string, string | undefined>): AutostartConfig {
  const v = parseKnobs(schema, env, 'autostart scale test')
  return {
    workspaceCount: v.CODER_SCALETEST_WORKSPACE_COUNT,
    workspaceJobTimeoutMs: v.CODER_SCALETEST_WORKSPACE_JOB_TIMEOUT,
    autostartDelayMs: v.CODER_SCALETEST_AUTOSTART_DELAY,
    autostartTimeoutMs: v.CODER_SCALETEST_AUTOSTART_TIMEOUT,
    template: v.CODER_SCALETEST_TEMPLATE?.trim() || undefined,
    autobuildPollIntervalMs: v.CODER_AUTOBUILD_POLL_INTERVAL,
    clock: v.SCALETEST_AUTOSTART_CLOCK,
  }
}

const MINUTE = 60_000

/**
 * The instant every workspace is scheduled for: now + delay, rounded to the nearest minute
 * (Go's `Time.Round(time.Minute)`, halves away from zero), as Coder's runner computes it.
 */
export function autostartInstant(nowMs: number, delayMs: number): Date {
  return new Date(Math.round((nowMs + delayMs) / MINUTE) * MINUTE)
}

/** `CRON_TZ=UTC <min> <hour> * * *` for that instant. */
export function autostartSchedule(at: Date): string {
  return `CRON_TZ=UTC ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`
}
