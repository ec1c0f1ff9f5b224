// The scenario's metrics (Coder: scaletest/workspaceupdates/metrics.go). Coder labels them with
// username too, and the histogram with workspace_name; here the labels are bounded
// (`num_owned_workspaces` takes two values) and each run's latencies go into its own metrics.

import { type MetricsRecorder, PROMETHEUS_DEFAULT_BUCKETS } from '@scaletest/vitest'

export type ErrorAction = 'parse_url' | 'dial' | 'recv' | 'context_done' | 'unexpected_workspace'

export const LATENCY_METRIC = 'workspace_updates_latency_seconds'
export const ERRORS_METRIC = 'workspace_updates_errors_total'

export function workspaceUpdatesMetrics(recorder: MetricsRecorder, ownedCounts: readonly number[]) {
  const latency = recorder.histogram(LATENCY_METRIC, {
    help: 'Time between starting a workspace build and receiving both the agent update and workspace update',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  const errors = recorder.counter(ERRORS_METRIC, { help: 'Total number of workspace updates errors' })
  // Created at zero so an honest run still exports (and gates on) the counter.
  for (const owned of new Set(ownedCounts))
    errors.inc({ num_owned_workspaces: String(owned), action: 'dial' }, 0)
  return {
    recordCompletion(seconds: number, ownedWorkspaces: number): void {
      latency.observe(Math.max(0, seconds), { num_owned_workspaces: String(ownedWorkspaces) })
    },
    addError(ownedWorkspaces: number, action: ErrorAction): void {
      errors.inc({ num_owned_workspaces: String(ownedWorkspaces), action })
    },
  }
}

export type WorkspaceUpdatesMetrics = ReturnType<typeof workspaceUpdatesMetrics>
