import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadTaskStatusConfig } from './config.ts'
import { parseStatusMessage, STATUS_UPDATE_PREFIX } from './runner/run.ts'

describe('task-status config', () => {
  it("defaults to Coder's names with a run that takes seconds", () => {
    expect(loadTaskStatusConfig({})).toEqual({
      count: 10,
      template: undefined,
      workspaceNamePrefix: 'scaletest-task-status',
      appSlug: 'ai-agent',
      reportStatusPeriodMs: 1_000,
      reportStatusDurationMs: 5_000,
      baselineDurationMs: 1_000,
      updateTimeoutMs: 10_000,
    })
  })

  it('reads every knob', () => {
    expect(
      loadTaskStatusConfig({
        CODER_SCALETEST_COUNT: '500',
        CODER_SCALETEST_TEMPLATE: ' scaletest-task-status ',
        CODER_SCALETEST_WORKSPACE_NAME_PREFIX: 'ts-load',
        CODER_SCALETEST_APP_SLUG: 'claude-code',
        CODER_SCALETEST_REPORT_STATUS_PERIOD: '10s',
        CODER_SCALETEST_REPORT_STATUS_DURATION: '15m',
        CODER_SCALETEST_BASELINE_DURATION: '0s',
        SCALETEST_TASK_STATUS_UPDATE_TIMEOUT: '1m',
      }),
    ).toEqual({
      count: 500,
      template: 'scaletest-task-status',
      workspaceNamePrefix: 'ts-load',
      appSlug: 'claude-code',
      reportStatusPeriodMs: 10_000,
      reportStatusDurationMs: 900_000,
      baselineDurationMs: 0,
      updateTimeoutMs: 60_000,
    })
  })

  it('reports every bad variable at once', () => {
    const load = () =>
      loadTaskStatusConfig({
        CODER_SCALETEST_COUNT: '0',
        CODER_SCALETEST_WORKSPACE_NAME_PREFIX: 'no_underscores',
        CODER_SCALETEST_APP_SLUG: 'Not A Slug',
        CODER_SCALETEST_REPORT_STATUS_PERIOD: '0s',
        CODER_SCALETEST_REPORT_STATUS_DURATION: 'forever',
      })
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(
      /COUNT="0"[\s\S]*NAME_PREFIX="no_underscores"[\s\S]*APP_SLUG="Not A Slug"[\s\S]*PERIOD="0s"[\s\S]*DURATION="forever"/,
    )
  })

  it("reads Coder's status messages back, and nothing else", () => {
    expect(parseStatusMessage(`${STATUS_UPDATE_PREFIX}12`)).toBe(12)
    expect(parseStatusMessage('scaletest status update:0')).toBe(0)
    for (const other of [
      undefined,
      '',
      'working on it',
      `${STATUS_UPDATE_PREFIX}`,
      `${STATUS_UPDATE_PREFIX}1x`,
    ])
      expect(parseStatusMessage(other)).toBeUndefined()
  })
})
