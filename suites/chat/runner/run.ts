// One chat runner per (workspace, chat) pair (Coder: scaletest/chat/run.go). Creates the chat (which queues
// turn 1), follows its stream, sends follow-ups after a turn-start gate, and archives the chat in cleanup.

import { performance } from 'node:perf_hooks'

import type { ChatStreamEvent, CoderClient, CoderStream, Runner } from '@scaletest/vitest'
import type { ChatMetrics, Phase, Stage } from './metrics.ts'

export interface ChatRunnerConfig {
  workspaceId: string | undefined
  modelConfigId: string
  organizationId: string
  prompt: string
  followUpPrompt: string
  turns: number
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

export function chatRunner(config: ChatRunnerConfig, deps: ChatRunnerDeps): Runner {
  const { coder, metrics } = deps
  let chatId: string | undefined
  let turnsCompleted = 0
  let retryCount = 0
  let eventCount = 0
  let finalStatus = ''
  let failureStage = ''
  let sawFirstOutput = false
  let totalSeconds = 0

  return {
    async run({ signal, log }) {
      const started = performance.now()
      let stream: CoderStream<ChatStreamEvent> | undefined
      let gateReported = false
      try {
        const t0 = performance.now()
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
            throw new StageError('create_chat', error.message)
          })
        metrics.createLatency((performance.now() - t0) / 1000)
        chatId = chat.id
        deps.created.add(chat.id)
        log(`created chat ${chat.id}`)
        stream = await coder.streamChat(chat.id, { signal }).catch((error: Error) => {
          throw new StageError('stream_open', error.message)
        })
        metrics.streamOpened()
        const events = stream[Symbol.asyncIterator]()
        let lastMessageId = 0
        for (let turn = 1; turn <= config.turns; turn++) {
          const phase: Phase = turn === 1 ? 'initial' : 'follow_up'
          let turnStart = t0
          if (turn > 1) {
            if (!gateReported && deps.turnStartGate) {
              gateReported = true
              deps.turnStartGate.ready()
              await raceAbort(deps.turnStartGate.released, signal)
            }
            turnStart = performance.now()
            await coder
              .createChatMessage(chat.id, [{ type: 'text', text: config.followUpPrompt }], signal)
              .catch((error: Error) => {
                throw new StageError('create_message', error.message)
              })
            metrics.messageLatency((performance.now() - turnStart) / 1000, phase)
          }
          const seen = { running: false, output: false }
          const deadline = AbortSignal.any([signal, AbortSignal.timeout(config.turnTimeoutMs)])
          for (;;) {
            const next = await raceAbort(events.next(), deadline).catch((error: Error) => {
              throw new StageError(
                'stream_ended_early',
                signal.aborted ? error.message : `turn ${turn} timed out`,
              )
            })
            if (next.done) throw new StageError('stream_ended_early', `stream closed during turn ${turn}`)
            const event = next.value
            eventCount++
            const elapsed = (performance.now() - turnStart) / 1000
            if (event.type === 'retry') {
              retryCount++
              metrics.retryEvent()
              log(`retry ${event.retry?.attempt}: ${event.retry?.error}`)
              continue
            }
            if (event.type === 'error') {
              failureStage = 'status_error'
              log(`error event: ${event.error?.message}`)
              continue
            }
            const isOutput =
              event.type === 'message_part' ||
              (event.type === 'message' &&
                event.message?.role === 'assistant' &&
                event.message.id > lastMessageId)
            if (event.type === 'message' && event.message)
              lastMessageId = Math.max(lastMessageId, event.message.id)
            // A turn finished before attach replays as `message` only: output implies it ran.
            if (isOutput) seen.running = true
            if (isOutput && !seen.output) {
              seen.output = true
              sawFirstOutput = true
              metrics.timeToFirstOutput(elapsed, phase)
            }
            if (event.type !== 'status' || !event.status) continue
            const s = event.status.status
            if (s === 'running' && !seen.running) {
              seen.running = true
              metrics.timeToRunning(elapsed, phase)
            } else if (s === 'error') {
              metrics.timeToTerminal(elapsed, phase)
              metrics.terminalStatus('error')
              finalStatus = 'error'
              const detail = await coder.chat(chat.id, signal).catch(() => undefined)
              const lastError =
                typeof detail?.last_error === 'string' ? detail.last_error : detail?.last_error?.message
              throw new StageError('status_error', lastError ?? 'chat entered the error status')
            } else if (s === 'waiting' && seen.running && seen.output) {
              metrics.timeToTerminal(elapsed, phase)
              metrics.terminalStatus('waiting')
              metrics.turnCompleted()
              turnsCompleted++
              finalStatus = 'waiting'
              break
            }
          }
        }
        totalSeconds = (performance.now() - started) / 1000
        metrics.conversation(totalSeconds)
      } catch (error) {
        totalSeconds = (performance.now() - started) / 1000
        if (error instanceof StageError) {
          failureStage = error.stage
          metrics.stageFailure(error.stage)
        }
        throw error
      } finally {
        // Let the others pass the gate even when this chat failed before it.
        if (!gateReported) deps.turnStartGate?.ready()
        if (stream) {
          metrics.streamClosed()
          await stream.close()
        }
      }
    },
    async cleanup({ signal, log }) {
      if (!chatId) return
      await coder.archiveChat(chatId, signal)
      deps.created.delete(chatId)
      log(`archived chat ${chatId}`)
    },
    metrics: () => ({
      chat_id: chatId ?? '',
      final_status: finalStatus,
      failure_stage: failureStage,
      total_duration_seconds: totalSeconds,
      saw_first_output: sawFirstOutput,
      retry_count: retryCount,
      event_count: eventCount,
      turns_requested: config.turns,
      turns_completed: turnsCompleted,
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
