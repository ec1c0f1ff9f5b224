// The runner against a scripted stream: Coder's rules for what starts, ends and fails a turn
// (scaletest/chat/run.go handleStatusEvent), the follow-up prompt, the gate and the per-run metrics.
import { describe, expect, it } from 'vitest'

import {
  AsyncQueue,
  type ChatStreamEvent,
  type CoderClient,
  CoderStream,
  type RunContext,
} from '@scaletest/vitest'
import type { ChatMetrics } from './metrics.ts'
import { chatRunner } from './run.ts'

const status = (s: 'pending' | 'running' | 'waiting' | 'error'): ChatStreamEvent => ({
  type: 'status',
  status: { status: s },
})
const part: ChatStreamEvent = {
  type: 'message_part',
  message_part: { role: 'assistant', part: { type: 'text', text: 'hi' } },
}
const assistant = (id: number): ChatStreamEvent => ({
  type: 'message',
  message: { id, chat_id: 'c1', role: 'assistant', content: [{ type: 'text', text: 'hi' }], created_at: '' },
})

/** A CoderClient double: turn i's events arrive when turn i starts (create, then each message). */
function scripted(turns: ChatStreamEvent[][], options: { endAfterLast?: boolean } = {}) {
  const queue = new AsyncQueue<ChatStreamEvent>()
  const sent: string[] = []
  const archived: string[] = []
  let next = 0
  const play = () => {
    const events = turns[next++] ?? []
    queueMicrotask(() => {
      for (const e of events) queue.push(e)
      if (options.endAfterLast && next >= turns.length) queue.end()
    })
  }
  const coder = {
    createChat: async () => ({ id: 'c1' }),
    streamChat: async () => {
      play()
      return new CoderStream('GET /stream', queue, async () => queue.end())
    },
    createChatMessage: async (
      _id: string,
      req: { content: { text?: string }[]; model_config_id?: string },
    ) => {
      sent.push(`${req.content[0]?.text ?? ''} (${req.model_config_id})`)
      play()
      return { queued: true }
    },
    archiveChat: async (id: string) => {
      archived.push(id)
    },
  } as unknown as CoderClient
  return { coder, sent, archived }
}

function recordingMetrics() {
  const calls: string[] = []
  const rec =
    (name: string) =>
    (...args: unknown[]) =>
      calls.push([name, ...args.filter((a) => typeof a === 'string')].join(':'))
  const metrics = Object.fromEntries(
    [
      'createLatency',
      'messageLatency',
      'conversation',
      'timeToRunning',
      'timeToFirstOutput',
      'timeToTerminal',
      'stageFailure',
      'terminalStatus',
      'turnCompleted',
      'retryEvent',
      'streamOpened',
      'streamClosed',
    ].map((n) => [n, rec(n)]),
  ) as unknown as ChatMetrics
  return { metrics, calls }
}

const ctx = { signal: new AbortController().signal, log: () => {} } as unknown as RunContext
const config = {
  workspaceId: undefined,
  modelConfigId: 'm1',
  organizationId: 'o1',
  prompt: 'Reply with one short sentence.',
  turnStartDelayMs: 0,
  turnTimeoutMs: 5_000,
}

describe('chat runner', () => {
  it("follows Coder's turn rules and sends the same prompt on every turn", async () => {
    const { coder, sent } = scripted([
      // Repeated status ignored; `waiting` after `running` with no output yet is not the end.
      [
        status('pending'),
        status('running'),
        status('running'),
        status('waiting'),
        part,
        part,
        status('waiting'),
      ],
      // A stale `waiting` on a later turn before any output is ignored too; the assistant row is output.
      [status('waiting'), status('running'), assistant(4), status('waiting')],
    ])
    const { metrics, calls } = recordingMetrics()
    const runner = chatRunner({ ...config, turns: 2 }, { coder, metrics, created: new Set() })
    await runner.run(ctx)
    expect(sent).toEqual(['Reply with one short sentence. (m1)'])
    expect(calls).toEqual([
      'createLatency',
      'streamOpened',
      'timeToRunning:initial',
      'timeToFirstOutput:initial',
      'timeToTerminal:initial',
      'terminalStatus:waiting',
      'turnCompleted',
      'messageLatency:follow_up',
      'timeToRunning:follow_up',
      'timeToFirstOutput:follow_up',
      'timeToTerminal:follow_up',
      'terminalStatus:waiting',
      'turnCompleted',
      'conversation',
      'streamClosed',
    ])
    expect(runner.metrics!()).toMatchObject({
      workspace_id: '00000000-0000-0000-0000-000000000000',
      turn_start_delay_ms: 0,
      chat_id: 'c1',
      final_status: 'waiting',
      failure_stage: '',
      saw_first_output: true,
      retry_count: 0,
      event_count: 11,
      turns_requested: 2,
      turns_completed: 2,
    })
  })

  it('fails on status error with the last error event, counting retries; cleanup archives', async () => {
    const { coder, archived } = scripted([
      [
        status('running'),
        { type: 'retry', retry: { attempt: 1, delay_ms: 10, error: 'provider returned 429' } },
        { type: 'retry', retry: { attempt: 2, delay_ms: 20, error: 'provider returned 429' } },
        { type: 'error', error: { message: 'provider returned 429: slow down' } },
        status('error'),
      ],
    ])
    const { metrics, calls } = recordingMetrics()
    const created = new Set<string>()
    const runner = chatRunner({ ...config, turns: 3 }, { coder, metrics, created })
    await expect(runner.run(ctx)).rejects.toThrow(
      'status_error: chat c1 reached error status: provider returned 429: slow down',
    )
    expect(calls.filter((c) => c === 'retryEvent')).toHaveLength(2)
    expect(calls).toContain('terminalStatus:error')
    expect(calls).toContain('stageFailure:status_error')
    expect(calls).toContain('conversation')
    expect(runner.metrics!()).toMatchObject({
      final_status: 'error',
      failure_stage: 'status_error',
      retry_count: 2,
    })
    expect(created).toEqual(new Set(['c1']))
    await runner.cleanup!(ctx)
    expect(archived).toEqual(['c1'])
    expect(created.size).toBe(0)
  })

  it('a stream that ends first is stream_ended_early, with how many turns were done', async () => {
    const { coder } = scripted([[status('running'), part, status('waiting')], [status('running')]], {
      endAfterLast: true,
    })
    const { metrics, calls } = recordingMetrics()
    const runner = chatRunner({ ...config, turns: 2 }, { coder, metrics, created: new Set() })
    await expect(runner.run(ctx)).rejects.toThrow(
      'stream_ended_early: chat c1 stream ended before completing 1 of 2 turns',
    )
    expect(calls).toContain('stageFailure:stream_ended_early')
    expect(calls.at(-1)).toBe('streamClosed')
  })

  it('gates only the follow-ups: ready after turn 1, the message waits for the release', async () => {
    const { coder, sent } = scripted([
      [status('running'), part, status('waiting')],
      [status('running'), part, status('waiting')],
    ])
    const { metrics } = recordingMetrics()
    let ready = 0
    let release!: () => void
    const released = new Promise<void>((r) => {
      release = r
    })
    const runner = chatRunner(
      { ...config, turns: 2, turnStartDelayMs: 100 },
      { coder, metrics, created: new Set(), turnStartGate: { ready: () => ready++, released } },
    )
    const done = runner.run(ctx)
    await new Promise((r) => setTimeout(r, 50))
    expect(ready).toBe(1)
    expect(sent).toEqual([])
    release()
    await done
    expect(sent).toHaveLength(1)
    expect(ready).toBe(1)
    expect(runner.metrics!()).toMatchObject({ turn_start_delay_ms: 100, turns_completed: 2 })
  })
})
