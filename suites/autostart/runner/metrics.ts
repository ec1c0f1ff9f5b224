// The scenario's metrics (Coder: scaletest/autostart/metrics.go). Coder labels the histograms
// with username and workspace_name; here they carry no labels (bounded series) and each run's
// three latencies go into its own metrics instead.

import { type MetricsRecorder, PROMETHEUS_DEFAULT_BUCKETS } from '@scaletest/vitest'

export type ErrorAction =
  | 'create_user'
  | 'create_workspace'
  | 'watch_workspace'
  | 'wait_for_initial_build'
  | 'create_stop_build'
  | 'wait_for_stop_build'
  | 'update_workspace_autostart'
  | 'wait_for_autostart_build'

const ACTIONS: ErrorAction[] = [
  'create_user',
  'create_workspace',
  'watch_workspace',
  'wait_for_initial_build',
  'create_stop_build',
  'wait_for_stop_build',
  'update_workspace_autostart',
  'wait_for_autostart_build',
]

export const JOB_CREATION_METRIC = 'autostart_job_creation_latency_seconds'
export const JOB_ACQUIRED_METRIC = 'autostart_job_acquired_latency_seconds'
export const TOTAL_METRIC = 'autostart_total_latency_seconds'
export const ERRORS_METRIC = 'autostart_errors_total'

export function autostartMetrics(recorder: MetricsRecorder) {
  const creation = recorder.histogram(JOB_CREATION_METRIC, {
    help: 'Time from when the workspace is scheduled to be autostarted to when the autostart job has been created.',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  const acquired = recorder.histogram(JOB_ACQUIRED_METRIC, {
    help: 'Time from when the workspace is scheduled to be autostarted to when the job has been acquired by a provisioner daemon.',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  const total = recorder.histogram(TOTAL_METRIC, {
    help: 'Time from when the workspace is scheduled to be autostarted to when the autostart build has finished.',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  const errors = recorder.counter(ERRORS_METRIC, { help: 'Total number of autostart errors' })
  // Created at zero so an honest run still exports (and gates on) the counter.
  for (const action of ACTIONS) errors.inc({ action }, 0)
  return {
    recordJobCreation: (seconds: number) => creation.observe(Math.max(0, seconds)),
    recordJobAcquired: (seconds: number) => acquired.observe(Math.max(0, seconds)),
    recordCompletion: (seconds: number) => total.observe(Math.max(0, seconds)),
    addError: (action: ErrorAction) => errors.inc({ action }),
  }
}

export type AutostartMetrics = ReturnType<typeof autostartMetrics>
