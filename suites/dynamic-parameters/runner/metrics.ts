// The scenario's histograms, with Coder's names, label and buckets
// (scaletest/dynamicparameters/metrics.go: prometheus.DefBuckets, label concurrent_evaluations).

import { type MetricsRecorder, PROMETHEUS_DEFAULT_BUCKETS } from '@scaletest/vitest'

export const INITIAL_METRIC = 'coderd_scaletest_dynamic_parameters_latency_initial_response_seconds'
export const CHANGE_METRIC = 'coderd_scaletest_dynamic_parameters_latency_change_response_seconds'

export function dynamicParametersMetrics(recorder: MetricsRecorder) {
  const initial = recorder.histogram(INITIAL_METRIC, {
    help: 'Time in seconds to get the initial dynamic parameters response from start of request.',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  const change = recorder.histogram(CHANGE_METRIC, {
    help: 'Time in seconds between sending a dynamic parameters change request and receiving the response.',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  return {
    initial: (seconds: number, concurrent: number) =>
      initial.observe(seconds, { concurrent_evaluations: String(concurrent) }),
    change: (seconds: number, concurrent: number) =>
      change.observe(seconds, { concurrent_evaluations: String(concurrent) }),
  }
}

export type DynamicParametersMetrics = ReturnType<typeof dynamicParametersMetrics>
