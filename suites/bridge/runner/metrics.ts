// The scenario's metrics. Coder's four (scaletest/bridge/metrics.go: names, labels, default buckets),
// plus two of ours for streams, because Coder times a streamed request only to its response headers.

import { type MetricsRecorder, PROMETHEUS_DEFAULT_BUCKETS } from '@scaletest/vitest'

export const ERRORS = 'coderd_scaletest_bridge_errors_total'
export const REQUESTS = 'coderd_scaletest_bridge_requests_total'
export const DURATION = 'coderd_scaletest_bridge_request_duration_seconds'
export const TOKENS = 'coderd_scaletest_bridge_response_tokens_total'
/** Ours: from sending the request to the first streamed content event. */
export const TIME_TO_FIRST_TOKEN = 'coderd_scaletest_bridge_time_to_first_token_seconds'
/** Ours: from sending the request to the end of the streamed body. */
export const STREAM_DURATION = 'coderd_scaletest_bridge_stream_duration_seconds'

/** Ours, open model only: from an arrival's scheduled start to the end of its request (lateness charged). */
export const SCHEDULED_LATENCY = 'coderd_scaletest_bridge_scheduled_latency_seconds'

export type ErrorAction = 'create_user' | 'request'

export function bridgeMetrics(recorder: MetricsRecorder) {
  const errors = recorder.counter(ERRORS, { help: 'Total number of bridge errors' })
  const requests = recorder.counter(REQUESTS, { help: 'Total number of bridge requests' })
  const duration = recorder.histogram(DURATION, {
    help: 'Duration of bridge requests in seconds',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  const tokens = recorder.counter(TOKENS, { help: 'Total number of tokens in bridge responses' })
  const firstToken = recorder.histogram(TIME_TO_FIRST_TOKEN, {
    help: 'Time from the request to the first streamed content event in seconds',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  const stream = recorder.histogram(STREAM_DURATION, {
    help: 'Time from the request to the end of the streamed response in seconds',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  const scheduled = recorder.histogram(SCHEDULED_LATENCY, {
    help: 'Open model: time from the scheduled arrival to the end of the request in seconds',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  // At zero from the start, so an honest run exports (and gates on) every series.
  for (const action of ['create_user', 'request'] as const) errors.inc({ action }, 0)
  for (const status of ['success', 'failure'] as const) requests.inc({ status }, 0)
  return {
    addError: (action: ErrorAction) => errors.inc({ action }),
    addRequest: (status: 'success' | 'failure') => requests.inc({ status }),
    observeDuration: (seconds: number) => duration.observe(seconds),
    addTokens: (type: 'input' | 'output', count: number) => tokens.inc({ type }, count),
    observeTimeToFirstToken: (seconds: number) => firstToken.observe(seconds),
    observeStreamDuration: (seconds: number) => stream.observe(seconds),
    scheduledLatency: { observe: (seconds: number) => scheduled.observe(seconds) },
  }
}

export type BridgeMetrics = ReturnType<typeof bridgeMetrics>
