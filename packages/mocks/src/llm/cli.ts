// `scaletest-mocks llm`: flags as `coder exp scaletest llm-mock` spells them, plus fault injection.
import { parseArgs } from 'node:util'

import { parseAddress } from '../shared/listen.ts'
import {
  FAULT_MODES,
  type FaultMode,
  LlmMockConfigError,
  type LlmMockOptions,
  parseDuration,
} from './options.ts'
import { startLlmMock } from './start.ts'

const HELP = `usage: scaletest-mocks llm [flags]

OpenAI- (chat/completions, responses) and Anthropic-compatible (messages) LLM mock.

flags:
  --address HOST:PORT           where to listen (default 127.0.0.1:18080; :0 picks a free port)
  --artificial-latency DUR      delay before the first byte of each answer (default 0s)
  --min-stream-duration DUR     streams are paced evenly over a duration drawn from
  --max-stream-duration DUR       [min, max] (default 0s: as fast as possible)
  --response-payload-size BYTES bytes of answer text, 4 per token (default 0: a short reply quoting the prompt)
  --tool-calls-per-turn N       tool calls per user turn when the request offers a tool (default 0)
  --tool-call-command CMD       command put in tool call arguments (default "echo scaletest")
  --model ID                    model listed by GET /v1/models; repeatable (default scaletest-model)
  --fault MODE=P                inject a fault in a fraction P of LLM requests; repeatable.
                                MODE: ${FAULT_MODES.join(', ')}. Per request: header x-scaletest-fault: MODE
  --stall-duration DUR          how long the stall fault sends nothing (default 10s)
  --retry-after SECONDS         Retry-After sent with the 429 fault (default 1)
  --journal-limit N             requests kept for GET /__admin/requests (default 1000)
  --max-body-bytes N            larger request bodies get 413 (default 8388608)
  --seed N                      seed for fault draws and stream durations
  -h, --help                    print this help

Endpoints: POST /v1/chat/completions, /v1/responses, /v1/messages; GET /v1/models, /healthz,
/metrics, /__admin/requests (DELETE clears it).`

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n)) throw new LlmMockConfigError(`--${flag}: expected an integer, got '${text}'`)
  return n
}

function duration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  try {
    return parseDuration(text)
  } catch (error) {
    throw new LlmMockConfigError(`--${flag}: ${(error as Error).message}`)
  }
}

function faults(specs: string[] | undefined): LlmMockOptions['faults'] {
  const out: Partial<Record<FaultMode, number>> = {}
  for (const spec of specs ?? []) {
    const [mode, p] = spec.split('=')
    if (
      !(FAULT_MODES as readonly string[]).includes(mode ?? '') ||
      p === undefined ||
      Number.isNaN(Number(p))
    )
      throw new LlmMockConfigError(
        `--fault '${spec}': expected MODE=PROBABILITY with MODE one of ${FAULT_MODES.join(', ')}`,
      )
    out[mode as FaultMode] = Number(p)
  }
  return out
}

export function parseLlmCliArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): { help: true } | { help: false; options: LlmMockOptions } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      address: { type: 'string' },
      'artificial-latency': { type: 'string' },
      'min-stream-duration': { type: 'string' },
      'max-stream-duration': { type: 'string' },
      'response-payload-size': { type: 'string' },
      'tool-calls-per-turn': { type: 'string' },
      'tool-call-command': { type: 'string' },
      model: { type: 'string', multiple: true },
      fault: { type: 'string', multiple: true },
      'stall-duration': { type: 'string' },
      'retry-after': { type: 'string' },
      'journal-limit': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return { help: true }
  // Each flag falls back to CODER_SCALETEST_LLM_MOCK_<FLAG> as upstream reads it (containers set env).
  const flag = (name: keyof typeof values): string | undefined =>
    (values[name] as string | undefined) ??
    env[`CODER_SCALETEST_LLM_MOCK_${name.toUpperCase().replaceAll('-', '_')}`]
  const { host, port } = parseAddress(flag('address') ?? '127.0.0.1:18080')
  const options: LlmMockOptions = {
    host,
    port,
    artificialLatencyMs: duration('artificial-latency', flag('artificial-latency')),
    minStreamDurationMs: duration('min-stream-duration', flag('min-stream-duration')),
    maxStreamDurationMs: duration('max-stream-duration', flag('max-stream-duration')),
    responsePayloadSize: integer('response-payload-size', flag('response-payload-size')),
    toolCallsPerTurn: integer('tool-calls-per-turn', flag('tool-calls-per-turn')),
    toolCallCommand: flag('tool-call-command'),
    models: values.model,
    faults: faults(values.fault),
    stallMs: duration('stall-duration', flag('stall-duration')),
    retryAfterSeconds: integer('retry-after', flag('retry-after')),
    journalLimit: integer('journal-limit', flag('journal-limit')),
    maxBodyBytes: integer('max-body-bytes', flag('max-body-bytes')),
    seed: integer('seed', flag('seed')),
  }
  // Unset flags stay undefined so the option defaults apply.
  for (const key of Object.keys(options) as (keyof LlmMockOptions)[])
    if (options[key] === undefined) delete options[key]
  return { help: false, options }
}

export async function runLlmCli(argv: string[]): Promise<{ close(): Promise<void> }> {
  const parsed = parseLlmCliArgs(argv)
  if (parsed.help) {
    console.log(HELP)
    return { close: async () => {} }
  }
  const mock = await startLlmMock(parsed.options)
  console.log(`llm mock listening on ${mock.url}`)
  return mock
}
