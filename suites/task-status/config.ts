// The task-status scenario's knobs, read from the environment variables of Coder's
// `coder exp scaletest task-status` flags (cli/exp_scaletest_taskstatus.go). Coder's defaults are
// sized for a long soak (10 m baseline, 15 m of reports every 10 s); ours finish in seconds, and
// the README lists both. Every bad value is reported before anything is created.

import { z } from 'zod'

import { knob, parseKnobs } from '@scaletest/vitest'

// Coder's workspace names: letters, digits and single hyphens, at most 32 characters.
const NAME = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/
const SLUG = /^[a-z0-9](-?[a-z0-9])*$/

const schema = z.object({
  CODER_SCALETEST_COUNT: knob.int(10, 1),
  CODER_SCALETEST_TEMPLATE: knob.string(),
  CODER_SCALETEST_WORKSPACE_NAME_PREFIX: knob
    .string('scaletest-task-status')
    .refine(
      (v) => NAME.test(v) && v.length <= 26,
      'expected a workspace name prefix of at most 26 characters',
    ),
  CODER_SCALETEST_APP_SLUG: knob.string('ai-agent').refine((v) => SLUG.test(v), 'expected an app slug'),
  CODER_SCALETEST_REPORT_STATUS_PERIOD: knob.duration('1s'),
  CODER_SCALETEST_REPORT_STATUS_DURATION: knob.duration('5s'),
  CODER_SCALETEST_BASELINE_DURATION: knob.duration('1s', { allowZero: true }),
  // Ours: Coder waits for the last updates until the harness timeout.
  SCALETEST_TASK_STATUS_UPDATE_TIMEOUT: knob.duration('10s'),
})

export interface TaskStatusConfig {
  count: number
  /** Name or id; undefined ⇒ the scenario creates an external-agent template with the app. */
  template: string | undefined
  workspaceNamePrefix: string
  appSlug: string
  reportStatusPeriodMs: number
  reportStatusDurationMs: number
  baselineDurationMs: number
  /** After the last report, how long the watch may take to show every outstanding update. */
  updateTimeoutMs: number
}

export function loadTaskStatusConfig(env: Record<string, string | undefined>): TaskStatusConfig {
  const v = parseKnobs(schema, env, 'task-status scale test')
  return {
    count: v.CODER_SCALETEST_COUNT,
    template: v.CODER_SCALETEST_TEMPLATE || undefined,
    workspaceNamePrefix: v.CODER_SCALETEST_WORKSPACE_NAME_PREFIX,
    appSlug: v.CODER_SCALETEST_APP_SLUG,
    reportStatusPeriodMs: v.CODER_SCALETEST_REPORT_STATUS_PERIOD,
    reportStatusDurationMs: v.CODER_SCALETEST_REPORT_STATUS_DURATION,
    baselineDurationMs: v.CODER_SCALETEST_BASELINE_DURATION,
    updateTimeoutMs: v.SCALETEST_TASK_STATUS_UPDATE_TIMEOUT,
  }
}
