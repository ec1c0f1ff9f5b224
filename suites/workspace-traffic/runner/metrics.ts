// Coder's workspace_traffic metrics (scaletest/workspacetraffic/metrics.go): byte and error
// counters with the labels username, workspace_name, agent_name, and read/write latency
// histograms with Prometheus' default buckets. The histograms drop the per-user labels here so
// their series stay bounded; each run's own figures go into its string-keyed metrics instead.

import { type MetricsRecorder, PROMETHEUS_DEFAULT_BUCKETS } from '@scaletest/vitest'

export const BYTES_READ = 'coderd_scaletest_bytes_read_total'
export const BYTES_WRITTEN = 'coderd_scaletest_bytes_written_total'
export const READ_ERRORS = 'coderd_scaletest_read_errors_total'
export const WRITE_ERRORS = 'coderd_scaletest_write_errors_total'
export const READ_LATENCY = 'coderd_scaletest_read_latency_seconds'
export const WRITE_LATENCY = 'coderd_scaletest_write_latency_seconds'

export interface TrafficLabels {
  username: string
  workspace_name: string
  agent_name: string
}

export function trafficMetrics(recorder: MetricsRecorder) {
  const bytesRead = recorder.counter(BYTES_READ, { help: 'Total number of bytes read from the workspace.' })
  const bytesWritten = recorder.counter(BYTES_WRITTEN, {
    help: 'Total number of bytes written to the workspace.',
  })
  const readErrors = recorder.counter(READ_ERRORS, { help: 'Total number of read errors.' })
  const writeErrors = recorder.counter(WRITE_ERRORS, { help: 'Total number of write errors.' })
  const readLatency = recorder.histogram(READ_LATENCY, {
    help: 'Time from a tick being due until its bytes came back from the workspace.',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  const writeLatency = recorder.histogram(WRITE_LATENCY, {
    help: 'Time from a tick being due until its bytes were written (lateness included).',
    buckets: PROMETHEUS_DEFAULT_BUCKETS,
  })
  return {
    /** One runner's handles; all six series start at 0, as Coder initialises them eagerly. */
    forRun(labels: TrafficLabels) {
      const l = { ...labels }
      bytesRead.inc(l, 0)
      bytesWritten.inc(l, 0)
      readErrors.inc(l, 0)
      writeErrors.inc(l, 0)
      return {
        read: (bytes: number) => bytesRead.inc(l, bytes),
        written: (bytes: number) => bytesWritten.inc(l, bytes),
        readError: () => readErrors.inc(l),
        writeError: () => writeErrors.inc(l),
        readLatency: (seconds: number) => readLatency.observe(seconds),
        writeLatency: (seconds: number) => writeLatency.observe(seconds),
      }
    },
  }
}

export type TrafficMetrics = ReturnType<typeof trafficMetrics>
export type RunTrafficMetrics = ReturnType<TrafficMetrics['forRun']>
