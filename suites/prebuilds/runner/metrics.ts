// The scenario's metrics, with Coder's names and labels (scaletest/prebuilds/metrics.go): gauges
// set from each poll of a template's workspaces, and an error counter by action.

import type { MetricsRecorder } from '@scaletest/vitest'

const ACTIONS = [
  'create_template_version',
  'create_template',
  'wait_for_workspaces',
  'create_empty_template_version',
  'update_active_template_version',
  'wait_for_workspace_deletion',
] as const
export type ErrorAction = (typeof ACTIONS)[number]

export const ERRORS_METRIC = 'coderd_scaletest_prebuild_errors_total'
export const JOBS_FAILED_METRIC = 'coderd_scaletest_prebuild_jobs_failed'
export const DELETION_JOBS_FAILED_METRIC = 'coderd_scaletest_prebuild_deletion_jobs_failed'

export interface JobCounts {
  created: number
  running: number
  failed: number
  completed: number
}

export function prebuildMetrics(recorder: MetricsRecorder) {
  const gauges = (prefix: string, what: string) => ({
    created: recorder.gauge(`${prefix}_created`, { help: `Number of ${what} jobs that have been created.` }),
    running: recorder.gauge(`${prefix}_running`, {
      help: `Number of ${what} jobs that are currently running.`,
    }),
    failed: recorder.gauge(`${prefix}_failed`, { help: `Number of ${what} jobs that have failed.` }),
    completed: recorder.gauge(`${prefix}_completed`, {
      help: `Number of ${what} jobs that have completed successfully.`,
    }),
  })
  const creation = gauges('coderd_scaletest_prebuild_jobs', 'prebuild')
  const deletion = gauges('coderd_scaletest_prebuild_deletion_jobs', 'prebuild deletion')
  const errors = recorder.counter(ERRORS_METRIC, { help: 'Total number of prebuild errors' })
  const set = (g: typeof creation, counts: JobCounts, template_name: string) => {
    for (const key of ['created', 'running', 'failed', 'completed'] as const)
      g[key].set(counts[key], { template_name })
  }
  const zero = { created: 0, running: 0, failed: 0, completed: 0 }
  return {
    /** A template's series at zero before its first poll, so an honest run still exports (and gates on) them. */
    start(templateName: string) {
      set(creation, zero, templateName)
      set(deletion, zero, templateName)
      for (const action of ACTIONS) errors.inc({ template_name: templateName, action }, 0)
    },
    setCreation: (counts: JobCounts, templateName: string) => set(creation, counts, templateName),
    setDeletion: (counts: JobCounts, templateName: string) => set(deletion, counts, templateName),
    addError: (templateName: string, action: ErrorAction) =>
      errors.inc({ template_name: templateName, action }),
  }
}

export type PrebuildMetrics = ReturnType<typeof prebuildMetrics>
