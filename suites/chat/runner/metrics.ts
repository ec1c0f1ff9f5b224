// The scenario's metrics, with Coder's names, help, labels and buckets (scaletest/chat/metrics.go; the
// current revision has no run_id label).

import { exponentialBucketsRange, type MetricsRecorder } from '@scaletest/vitest'

export type Phase = 'initial' | 'follow_up'
export type Stage = 'create_chat' | 'create_message' | 'stream_open' | 'stream_ended_early' | 'status_error'

const STAGES: Stage[] = ['create_chat', 'create_message', 'stream_open', 'stream_ended_early', 'status_error']

const LATENCY_BUCKETS = exponentialBucketsRange(0.05, 120, 18)
const DURATION_BUCKETS = exponentialBucketsRange(0.1, 300, 18)

export const STAGE_FAILURES = 'coderd_scaletest_chat_stage_failures_total'
export const TURNS_COMPLETED = 'coderd_scaletest_chat_turns_completed_total'
export const RETRY_EVENTS = 'coderd_scaletest_chat_retry_events_total'
export const TERMINAL_STATUS = 'coderd_scaletest_chat_terminal_status_total'
export const ACTIVE_STREAMS = 'coderd_scaletest_active_chat_streams'

export function chatMetrics(recorder: MetricsRecorder) {
  const h = (name: string, help: string, buckets: number[]) => recorder.histogram(name, { help, buckets })
  const createLatency = h(
    'coderd_scaletest_chat_create_latency_seconds',
    'Time in seconds to create a chat and enqueue the initial turn.',
    LATENCY_BUCKETS,
  )
  const messageLatency = h(
    'coderd_scaletest_chat_message_latency_seconds',
    'Time in seconds to add a follow-up message to an existing chat.',
    LATENCY_BUCKETS,
  )
  const conversation = h(
    'coderd_scaletest_chat_conversation_duration_seconds',
    'Time in seconds from chat creation start until the conversation finishes or errors.',
    DURATION_BUCKETS,
  )
  const toRunning = h(
    'coderd_scaletest_chat_time_to_running_seconds',
    'Time in seconds from the start of a chat turn until the chat enters running status.',
    DURATION_BUCKETS,
  )
  const toOutput = h(
    'coderd_scaletest_chat_time_to_first_output_seconds',
    'Time in seconds from the start of a chat turn until the first output is received.',
    DURATION_BUCKETS,
  )
  const toTerminal = h(
    'coderd_scaletest_chat_time_to_terminal_status_seconds',
    'Time in seconds from the start of a chat turn until a terminal status is received.',
    DURATION_BUCKETS,
  )
  const stageFailures = recorder.counter(STAGE_FAILURES, {
    help: 'Total number of terminal stage-specific chat runner failures.',
  })
  const terminal = recorder.counter(TERMINAL_STATUS, {
    help: 'Total number of terminal chat statuses observed.',
  })
  const turns = recorder.counter(TURNS_COMPLETED, {
    help: 'Total number of chat turns completed successfully.',
  })
  const retries = recorder.counter(RETRY_EVENTS, { help: 'Total number of chat retry events observed.' })
  const active = recorder.gauge(ACTIVE_STREAMS, { help: 'Current number of active chat streams.' })
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
