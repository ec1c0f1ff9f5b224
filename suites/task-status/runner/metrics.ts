// The scenario's metrics (Coder: scaletest/taskstatus/metrics.go, namespace `coderd`, subsystem
// `scaletest`; the CLI registers them with no labels). Prometheus' default buckets.

import type { MetricsRecorder } from '@scaletest/vitest'

export const LATENCY_METRIC = 'task_status_to_workspace_update_latency_seconds'
export const MISSING_METRIC = 'missing_status_updates_total'
export const REPORT_ERRORS_METRIC = 'report_task_status_errors_total'

/** Prometheus' DefBuckets, which Coder's HistogramOpts leave in place. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export function taskStatusMetrics(recorder: MetricsRecorder) {
  const latency = recorder.histogram(LATENCY_METRIC, {
    help: 'Time in seconds between reporting a task status and receiving the workspace update.',
    buckets: DEFAULT_BUCKETS,
  })
  const missing = recorder.counter(MISSING_METRIC, { help: 'Total number of missing status updates.' })
  const errors = recorder.counter(REPORT_ERRORS_METRIC, {
    help: 'Total number of errors when reporting task status.',
  })
  // Created at zero so an honest run still exports (and gates on) the counters, as Coder's runner does.
  missing.inc(0)
  errors.inc(0)
  return {
    recordLatency: (seconds: number) => latency.observe(Math.max(0, seconds)),
    addMissing: (n: number) => missing.inc(n),
    addReportError: () => errors.inc(),
  }
}

export type TaskStatusMetrics = ReturnType<typeof taskStatusMetrics>
