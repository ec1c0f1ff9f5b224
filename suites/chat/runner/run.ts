// One chat runner per (workspace, chat) pair (Coder: scaletest/chat/run.go). Creates the chat (which queues
// turn 1), follows its stream, sends the prompt again for every later turn (after the turn-start gate once
// turn 1 is done), and archives the chat in cleanup.

import { performance } from 'node:perf_hooks'

import type { ChatStreamEvent, CoderClient, CoderStream, Runner } from '@scaletest/vitest'
import type { ChatMetrics, Phase, Stage } from './metrics.ts'

export interface ChatRunnerConfig {
  workspaceId: string | undefined
  modelConfigId: string
  organizationId: string
  /** Sent on every turn (Coder: `--prompt`, "Text prompt to send on every turn in each chat"). */
  prompt: string
  turns: number
  turnStartDelayMs: number
  turnTimeoutMs: number
}

export interface ChatRunnerDeps {
  coder: CoderClient
  metrics: ChatMetrics
  /** Gate before follow-ups: resolves when every chat finished turn 1 and the turn-start delay passed. */
  turnStartGate?: { ready(): void; released: Promise<void> }
  /** Every chat id created, for cleanup even when a run is interrupted. */
  created: Set<string>
}

class StageError extends Error {
  readonly stage: Stage
  constructor(stage: Stage, message: string) {
    super(`${stage}: ${message}`)
    this.stage = stage
  }
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000'

export function chatRunner(config: ChatRunnerConfig, deps: ChatRunnerDeps): Runner {
  const { coder, metrics } = deps
  let chatId: string | undefined
  const result = {
    finalStatus: '',
    failureStage: '',
    totalSeconds: 0,
    sawFirstOutput: false,
    retryCount: 0,
    eventCount: 0,
    turnsCompleted: 0,
  }

  return {
    async run({ signal, log }) {
      const conversationStart = performance.now()
      let stream: CoderStream<ChatStreamEvent> | undefined
      let gateReported = false
      const markReady = () => {
        if (gateReported) return
        gateReported = true
        deps.turnStartGate?.ready()
      }
      try {
        const chat = await coder
          .createChat(
            {
              content: [{ type: 'text', text: config.prompt }],
              model_config_id: config.modelConfigId,
              organization_id: config.organizationId,
              ...(config.workspaceId && { workspace_id: config.workspaceId }),
            },
            signal,
          )
          .catch((error: Error) => {
            throw new StageError('create_chat', `create chat: ${error.message}`)
          })
        metrics.createLatency((performance.now() - conversationStart) / 1000)
        chatId = chat.id
        deps.created.add(chat.id)
        log(`created chat ${chat.id}`)
        // POST /chats already queued turn 1: stream at once, gate only the follow-ups.
        stream = await coder.streamChat(chat.id, { signal }).catch((error: Error) => {
          throw new StageError('stream_open', `stream chat: ${error.message}`)
        })
        metrics.streamOpened()
        await conversation(chat.id, stream, signal, log)
      } catch (error) {
        if (error instanceof StageError) {
          result.failureStage = error.stage
          metrics.stageFailure(error.stage)
        }
        throw error
      } finally {
        // Conversation duration is observed for failed runs too (scaletest/chat/run.go Run).
        result.totalSeconds = (performance.now() - conversationStart) / 1000
        metrics.conversation(result.totalSeconds)
        // Let the others pass the gate even when this chat failed before it.
        markReady()
        if (stream) {
          metrics.streamClosed()
          await stream.close()
        }
      }

      // scaletest/chat/run.go runConversation + handleStatusEvent, event by event.
      async function conversation(
        id: string,
        stream: CoderStream<ChatStreamEvent>,
        signal: AbortSignal,
        log: (m: string) => void,
      ): Promise<void> {
        const events = stream[Symbol.asyncIterator]()
        let phase: Phase = 'initial'
        let turnStart = conversationStart
        let turnDeadline = AbortSignal.any([signal, AbortSignal.timeout(config.turnTimeoutMs)])
        let lastStatus = ''
        let lastStreamError = ''
        let sawRunning = false
        let sawOutput = false
        const firstOutput = () => {
          if (sawOutput) return
          sawOutput = true
          result.sawFirstOutput = true
          metrics.timeToFirstOutput((performance.now() - turnStart) / 1000, phase)
        }
        for (;;) {
          const next = await raceAbort(events.next(), turnDeadline).catch((error: Error) => {
            if (signal.aborted) throw error
            throw new StageError(
              'stream_ended_early',
              turnDeadline.aborted
                ? `chat ${id} turn ${result.turnsCompleted + 1} timed out after ${config.turnTimeoutMs} ms`
                : `chat ${id} stream failed: ${error.message}`,
            )
          })
          if (next.done) {
            const why = lastStreamError ? `: ${lastStreamError}` : ''
            throw new StageError(
              'stream_ended_early',
              `chat ${id} stream ended before completing ${result.turnsCompleted} of ${config.turns} turns${why}`,
            )
          }
          const event = next.value
          result.eventCount++
          if (event.type === 'message_part') firstOutput()
          // A turn finished before attach replays as `message` rows, not `message_part` deltas.
          else if (event.type === 'message' && event.message?.role === 'assistant') firstOutput()
          else if (event.type === 'retry') {
            result.retryCount++
            metrics.retryEvent()
            log(
              `chat retry event: attempt ${event.retry?.attempt} in ${event.retry?.delay_ms}ms: ${event.retry?.error}`,
            )
          } else if (event.type === 'error') {
            if (event.error?.message) lastStreamError = event.error.message
            log(`chat stream error: ${event.error?.message ?? '(no message)'}`)
          } else if (event.type === 'status' && event.status) {
            const status = event.status.status
            if (status === lastStatus) continue
            // A `waiting` with no output yet after `running` (or on a later turn) is not the turn's end.
            if (status === 'waiting' && !sawOutput && (sawRunning || result.turnsCompleted > 0)) continue
            lastStatus = status
            const elapsed = (performance.now() - turnStart) / 1000
            if (status === 'running') {
              sawRunning = true
              metrics.timeToRunning(elapsed, phase)
            } else if (status === 'error') {
              result.finalStatus = 'error'
              metrics.timeToTerminal(elapsed, phase)
              metrics.terminalStatus('error')
              throw new StageError(
                'status_error',
                `chat ${id} reached error status: ${lastStreamError || 'chat reached error status'}`,
              )
            } else if (status === 'waiting') {
              result.turnsCompleted++
              metrics.timeToTerminal(elapsed, phase)
              metrics.terminalStatus('waiting')
              metrics.turnCompleted()
              log(`chat completed turn ${result.turnsCompleted}/${config.turns}`)
              if (result.turnsCompleted >= config.turns) {
                result.finalStatus = 'waiting'
                return
              }
              if (result.turnsCompleted === 1 && deps.turnStartGate) {
                markReady()
                await raceAbort(deps.turnStartGate.released, signal)
              }
              phase = 'follow_up'
              turnStart = performance.now()
              turnDeadline = AbortSignal.any([signal, AbortSignal.timeout(config.turnTimeoutMs)])
              lastStatus = ''
              lastStreamError = ''
              sawRunning = false
              sawOutput = false
              await coder
                .createChatMessage(
                  id,
                  { content: [{ type: 'text', text: config.prompt }], model_config_id: config.modelConfigId },
                  signal,
                )
                .catch((error: Error) => {
                  throw new StageError(
                    'create_message',
                    `create chat message for turn ${result.turnsCompleted + 1}: ${error.message}`,
                  )
                })
              metrics.messageLatency((performance.now() - turnStart) / 1000, phase)
            }
          }
        }
      }
    },
    async cleanup({ signal, log }) {
      if (!chatId) return
      await coder.archiveChat(chatId, signal)
      deps.created.delete(chatId)
      log(`archived chat ${chatId}`)
    },
    // scaletest/chat/run.go GetMetrics.
    metrics: () => ({
      workspace_id: config.workspaceId ?? NIL_UUID,
      turn_start_delay_ms: config.turnStartDelayMs,
      chat_id: chatId ?? NIL_UUID,
      final_status: result.finalStatus,
      failure_stage: result.failureStage,
      total_duration_seconds: result.totalSeconds,
      saw_first_output: result.sawFirstOutput,
      retry_count: result.retryCount,
      event_count: result.eventCount,
      turns_requested: config.turns,
      turns_completed: result.turnsCompleted,
    }),
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}
