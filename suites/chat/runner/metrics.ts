// The scenario's metrics, with Coder's names, labels and buckets (scaletest/chat/metrics.go).

import type { MetricsRecorder } from '@scaletest/vitest'

export type Phase = 'initial' | 'follow_up'
export type Stage = 'create_chat' | 'create_message' | 'stream_open' | 'stream_ended_early' | 'status_error'

const STAGES: Stage[] = ['create_chat', 'create_message', 'stream_open', 'stream_ended_early', 'status_error']

const LATENCY_BUCKETS = [
  0.05, 0.079, 0.125, 0.197, 0.312, 0.493, 0.78, 1.233, 1.948, 3.08, 4.868, 7.694, 12.162, 19.224, 30.386,
  48.03, 75.918, 120,
]
const DURATION_BUCKETS = [
  0.1, 0.16, 0.256, 0.411, 0.658, 1.054, 1.687, 2.702, 4.328, 6.932, 11.101, 17.779, 28.473, 45.601, 73.032,
  116.963, 187.32, 300,
]

export const STAGE_FAILURES = 'coderd_scaletest_chat_stage_failures_total'
export const TURNS_COMPLETED = 'coderd_scaletest_chat_turns_completed_total'
export const RETRY_EVENTS = 'coderd_scaletest_chat_retry_events_total'
export const TERMINAL_STATUS = 'coderd_scaletest_chat_terminal_status_total'
export const ACTIVE_STREAMS = 'coderd_scaletest_active_chat_streams'

export function chatMetrics(recorder: MetricsRecorder) {
  const h = (name: string, help: string, buckets: number[]) => recorder.histogram(name, { help, buckets })
  const createLatency = h(
    'coderd_scaletest_chat_create_latency_seconds',
    'Latency of creating a chat.',
    LATENCY_BUCKETS,
  )
  const messageLatency = h(
    'coderd_scaletest_chat_message_latency_seconds',
    'Latency of sending a chat message.',
    LATENCY_BUCKETS,
  )
  const conversation = h(
    'coderd_scaletest_chat_conversation_duration_seconds',
    'Duration of a whole conversation.',
    DURATION_BUCKETS,
  )
  const toRunning = h(
    'coderd_scaletest_chat_time_to_running_seconds',
    'Time to the running status.',
    DURATION_BUCKETS,
  )
  const toOutput = h(
    'coderd_scaletest_chat_time_to_first_output_seconds',
    'Time to the first output.',
    DURATION_BUCKETS,
  )
  const toTerminal = h(
    'coderd_scaletest_chat_time_to_terminal_status_seconds',
    'Time to a terminal status.',
    DURATION_BUCKETS,
  )
  const stageFailures = recorder.counter(STAGE_FAILURES, { help: 'Chat failures by stage.' })
  const terminal = recorder.counter(TERMINAL_STATUS, { help: 'Terminal chat statuses.' })
  const turns = recorder.counter(TURNS_COMPLETED, { help: 'Chat turns completed.' })
  const retries = recorder.counter(RETRY_EVENTS, { help: 'Chat retry events seen.' })
  const active = recorder.gauge(ACTIVE_STREAMS, { help: 'Open chat streams.' })
  // Created at zero so an honest run still exports (and gates on) them.
  for (const stage of STAGES) stageFailures.inc({ stage }, 0)
  turns.inc({}, 0)
  retries.inc({}, 0)
  active.set(0)
  return {
    createLatency: (s: number) => createLatency.observe(s),
    messageLatency: (s: number, phase: Phase) => messageLatency.observe(s, { phase }),
    conversation: (s: number) => conversation.observe(s),
    timeToRunning: (s: number, phase: Phase) => toRunning.observe(s, { phase }),
    timeToFirstOutput: (s: number, phase: Phase) => toOutput.observe(s, { phase }),
    timeToTerminal: (s: number, phase: Phase) => toTerminal.observe(s, { phase }),
    stageFailure: (stage: Stage) => stageFailures.inc({ stage }),
    terminalStatus: (status: 'waiting' | 'error') => terminal.inc({ status }),
    turnCompleted: () => turns.inc(),
    retryEvent: () => retries.inc(),
    streamOpened: () => active.inc(),
    streamClosed: () => active.dec(),
  }
}

export type ChatMetrics = ReturnType<typeof chatMetrics>
