import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'

import { afterEach, describe, expect, it, vi } from 'vitest'

import { parseLlmCliArgs, runLlmCli } from './cli.ts'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('parseLlmCliArgs', () => {
  it('maps upstream flags to options, durations in Go syntax', () => {
    const parsed = parseLlmCliArgs(
      [
        '--address=0.0.0.0:0',
        '--artificial-latency=250ms',
        '--min-stream-duration=1s',
        '--max-stream-duration=1m30s',
        '--response-payload-size=2000',
        '--tool-calls-per-turn=2',
        '--tool-call-command=ls',
        '--fault=reset=0.1',
        '--fault=429=0.2',
        '--model=a',
        '--model=b',
      ],
      {},
    )
    expect(parsed).toEqual({
      help: false,
      options: {
        host: '0.0.0.0',
        port: 0,
        artificialLatencyMs: 250,
        minStreamDurationMs: 1000,
        maxStreamDurationMs: 90_000,
        responsePayloadSize: 2000,
        toolCallsPerTurn: 2,
        toolCallCommand: 'ls',
        faults: { reset: 0.1, '429': 0.2 },
        models: ['a', 'b'],
      },
    })
  })

  it('falls back to CODER_SCALETEST_LLM_MOCK_* variables, flags first', () => {
    const env = {
      CODER_SCALETEST_LLM_MOCK_ADDRESS: '127.0.0.1:9999',
      CODER_SCALETEST_LLM_MOCK_TOOL_CALLS_PER_TURN: '3',
    }
    expect(parseLlmCliArgs(['--tool-calls-per-turn=1'], env)).toMatchObject({
      options: { host: '127.0.0.1', port: 9999, toolCallsPerTurn: 1 },
    })
  })

  it('names the bad flag', () => {
    expect(() => parseLlmCliArgs(['--artificial-latency=soon'], {})).toThrow(
      /--artificial-latency: invalid duration 'soon'/,
    )
    expect(() => parseLlmCliArgs(['--fault=explode=1'], {})).toThrow(/--fault 'explode=1'/)
    expect(() => parseLlmCliArgs(['--tool-calls-per-turn=two'], {})).toThrow(
      /--tool-calls-per-turn: expected an integer/,
    )
    expect(() => parseLlmCliArgs(['--address=nowhere'], {})).toThrow(/invalid address 'nowhere'/)
    expect(() => parseLlmCliArgs(['--bogus'], {})).toThrow(/bogus/)
  })
})

describe('runLlmCli', () => {
  it('prints the listen line, serves, and closes', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const started = await runLlmCli(['--address', '127.0.0.1:0', '--response-payload-size', '8'])
    try {
      const line = log.mock.calls[0]![0] as string
      const url = /^llm mock listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)![1]!
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
    } finally {
      await started.close()
    }
  })

  it('rejects invalid option combinations before listening', async () => {
    await expect(
      runLlmCli(['--address=:0', '--min-stream-duration=2s', '--max-stream-duration=1s']),
    ).rejects.toThrow(/minStreamDurationMs \(2000\) is above maxStreamDurationMs \(1000\)/)
  })
})

describe('scaletest-mocks llm as a process', () => {
  it('starts, answers, and exits 0 on SIGTERM', async () => {
    const cli = join(import.meta.dirname, '..', 'cli.ts')
    const child = spawn(process.execPath, [cli, 'llm', '--address', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer]
      const url = /llm mock listening on (http:\/\/[\d.]+:\d+)/.exec(chunk.toString())![1]!
      const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] }
      expect(models.data[0]!.id).toBe('scaletest-model')
      child.kill('SIGTERM')
      const [code] = await once(child, 'exit')
      expect(code).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
