import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { autostartInstant, autostartSchedule, loadAutostartConfig } from './config.ts'

describe('autostart config', () => {
  it("defaults to Coder's flag defaults, with a small fleet", () => {
    expect(loadAutostartConfig({})).toEqual({
      workspaceCount: 10,
      workspaceJobTimeoutMs: 300_000,
      autostartDelayMs: 120_000,
      autostartTimeoutMs: 300_000,
      template: undefined,
      autobuildPollIntervalMs: 60_000,
      clock: 'auto',
    })
  })

  it('reads every knob', () => {
    expect(
      loadAutostartConfig({
        CODER_SCALETEST_WORKSPACE_COUNT: '1000',
        CODER_SCALETEST_WORKSPACE_JOB_TIMEOUT: '90s',
        CODER_SCALETEST_AUTOSTART_DELAY: '3m',
        CODER_SCALETEST_AUTOSTART_TIMEOUT: '10m',
        CODER_SCALETEST_TEMPLATE: ' docker ',
        CODER_AUTOBUILD_POLL_INTERVAL: '15s',
        SCALETEST_AUTOSTART_CLOCK: 'Real',
      }),
    ).toEqual({
      workspaceCount: 1000,
      workspaceJobTimeoutMs: 90_000,
      autostartDelayMs: 180_000,
      autostartTimeoutMs: 600_000,
      template: 'docker',
      autobuildPollIntervalMs: 15_000,
      clock: 'real',
    })
  })

  it('reports every bad variable at once, with the two-minute floor on the delay', () => {
    const load = () =>
      loadAutostartConfig({
        CODER_SCALETEST_WORKSPACE_COUNT: '0',
        CODER_SCALETEST_AUTOSTART_DELAY: '90s',
        CODER_SCALETEST_AUTOSTART_TIMEOUT: 'soon',
        SCALETEST_AUTOSTART_CLOCK: 'fake',
      })
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(
      /WORKSPACE_COUNT="0"[\s\S]*AUTOSTART_DELAY="90s": expected a duration of at least 120s[\s\S]*AUTOSTART_TIMEOUT="soon"[\s\S]*CLOCK="fake": expected one of auto, simulated, real/,
    )
  })

  it("rounds the instant to the nearest minute as Go's Time.Round does, and writes Coder's schedule", () => {
    const base = Date.parse('2026-03-01T23:57:29.999Z')
    expect(autostartInstant(base, 120_000).toISOString()).toBe('2026-03-01T23:59:00.000Z')
    expect(autostartInstant(base + 1, 120_000).toISOString()).toBe('2026-03-02T00:00:00.000Z')
    expect(autostartSchedule(new Date('2026-03-02T00:00:00Z'))).toBe('CRON_TZ=UTC 0 0 * * *')
    expect(autostartSchedule(new Date('2026-03-01T09:05:00Z'))).toBe('CRON_TZ=UTC 5 9 * * *')
  })
})
