// LLM mock benchmark: 64 concurrent streamed chat completions against the mock and, in the same
// run, against raw node:http SSE servers writing the same bytes and against @copilotkit/llmock,
// at 20 and 500 tokens per answer. Each server runs in its own child process, which reports its
// own CPU time, so the load generator's CPU is not counted. Phases interleave (raw, mock, llmock,
// …) over two rounds so drift on a shared machine hits every server alike.
//
//   npx node bench/llm-mock.bench.ts            (also run by `npm run bench`)
import { type ChildProcess, fork } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { Pool } from 'undici'

const CONCURRENCY = 64
// tokens per answer (the mock streams 4 bytes of text per token); env knobs shorten a local run
const SIZES = (process.env.BENCH_SIZES ?? '20,500').split(',').map(Number)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const WARMUP_MS = 700
const MEASURE_MS = 2500
const KINDS = ['raw', 'raw-per-event', 'mock', 'llmock'] as const
type Kind = (typeof KINDS)[number]

const REQUEST = JSON.stringify({
  model: 'scaletest-model',
  stream: true,
  stream_options: { include_usage: true },
  messages: [
    { role: 'system', content: 'You are a helpful assistant running inside a Coder workspace.' },
    { role: 'user', content: 'bench: reply with one short paragraph about load testing.' },
  ],
})

// ---------- child side: one server per process ----------

type ServeMessage = { serve: Kind; tokens: number; events?: string[] }

async function serve({ serve: kind, tokens, events }: ServeMessage): Promise<number> {
  if (kind === 'mock') {
    const { startLlmMock } = await import('@scaletest/mocks')
    return (await startLlmMock({ responsePayloadSize: tokens * 4 })).port
  }
  if (kind === 'llmock') {
    const { LLMock } = await import('@copilotkit/llmock')
    const { llmPayloadText: payloadText } = await import('@scaletest/mocks')
    const mock = new LLMock({ port: 0, host: '127.0.0.1', chunkSize: 4, latency: 0 })
    mock.onMessage('bench', { content: payloadText(tokens * 4) })
    await mock.start()
    return Number(new URL(mock.url).port)
  }
  // Raw baselines: read the body, write fixed bytes. `raw` writes them in one go (as the mock does
  // when no pacing is set); `raw-per-event` calls res.write once per event, like a naive SSE server.
  const all = Buffer.from(events!.join(''))
  const each = events!.map((e) => Buffer.from(e))
  const headers = {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': 'req_raw',
  }
  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, headers)
      if (kind === 'raw') res.end(all)
      else {
        for (const event of each) res.write(event)
        res.end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

if (process.send && process.argv[2] === '--child') {
  process.on('message', async (message: ServeMessage | 'cpu') => {
    if (message === 'cpu') process.send!({ cpu: process.cpuUsage() })
    else process.send!({ port: await serve(message) })
  })
  process.on('disconnect', () => process.exit(0))
} else {
  await main()
}

// ---------- parent side: load generator ----------

interface Server {
  kind: Kind
  child: ChildProcess
  url: string
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T))
    child.send(message as never)
  })
}

async function startServer(kind: Kind, tokens: number, events?: string[]): Promise<Server> {
  const child = fork(import.meta.filename, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const { port } = await ask<{ port: number }>(child, { serve: kind, tokens, events })
  return { kind, child, url: `http://127.0.0.1:${port}` }
}

async function cpuMicros(server: Server): Promise<number> {
  const { cpu } = await ask<{ cpu: NodeJS.CpuUsage }>(server.child, 'cpu')
  return cpu.user + cpu.system
}

/** One answer from the mock, split into its SSE events, for the raw servers to replay. */
async function mockEvents(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: REQUEST,
  })
  return (await res.text()).split(/(?<=\n\n)/)
}

interface Sample {
  streams: number
  events: number
  ttfb: number[]
  total: number[]
  cpuMicros: number
  clientCpuMicros: number
  errors: number
}

async function load(server: Server, durationMs: number, measure: boolean): Promise<Sample> {
  const pool = new Pool(server.url, { connections: CONCURRENCY, pipelining: 1 })
  const sample: Sample = {
    streams: 0,
    events: 0,
    ttfb: [],
    total: [],
    cpuMicros: 0,
    clientCpuMicros: 0,
    errors: 0,
  }
  const cpuBefore = measure ? await cpuMicros(server) : 0
  const clientBefore = process.cpuUsage()
  const started = performance.now()
  const deadline = started + durationMs
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now()
      try {
        const { statusCode, body } = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
          body: REQUEST,
        })
        let first = 0
        let events = 0
        let prev = 0
        for await (const chunk of body as AsyncIterable<Buffer>) {
          if (first === 0) first = performance.now()
          // Count SSE event boundaries ("\n\n"), also when one straddles two chunks.
          if (prev === 10 && chunk[0] === 10) events++
          for (let i = chunk.indexOf(10); i !== -1 && i < chunk.length - 1; i = chunk.indexOf(10, i + 1))
            if (chunk[i + 1] === 10) events++
          prev = chunk[chunk.length - 1]!
        }
        if (statusCode !== 200) throw new Error(`status ${statusCode}`)
        sample.streams++
        sample.events += events
        sample.ttfb.push(first - t0)
        sample.total.push(performance.now() - t0)
      } catch {
        sample.errors++
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const elapsed = performance.now() - started
  const client = process.cpuUsage(clientBefore)
  sample.clientCpuMicros = client.user + client.system
  if (measure) sample.cpuMicros = (await cpuMicros(server)) - cpuBefore
  await pool.close()
  // Normalise counts to the nominal window so rounds add up.
  const scale = durationMs / elapsed
  sample.streams *= scale
  sample.events *= scale
  sample.cpuMicros *= scale
  sample.clientCpuMicros *= scale
  return sample
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN
}

interface Result {
  kind: Kind
  streamsPerSec: number
  eventsPerSec: number
  ttfbP99: number
  totalP99: number
  cpuPerStreamUs: number
  clientCpuPerStreamUs: number
  errors: number
}

function merge(kind: Kind, samples: Sample[]): Result {
  const seconds = (samples.length * MEASURE_MS) / 1000
  const streams = samples.reduce((s, x) => s + x.streams, 0)
  return {
    kind,
    streamsPerSec: streams / seconds,
    eventsPerSec: samples.reduce((s, x) => s + x.events, 0) / seconds,
    ttfbP99: p99(samples.flatMap((x) => x.ttfb)),
    totalP99: p99(samples.flatMap((x) => x.total)),
    cpuPerStreamUs: samples.reduce((s, x) => s + x.cpuMicros, 0) / streams,
    clientCpuPerStreamUs: samples.reduce((s, x) => s + x.clientCpuMicros, 0) / streams,
    errors: samples.reduce((s, x) => s + x.errors, 0),
  }
}

async function main(): Promise<void> {
  console.log(
    `${CONCURRENCY} concurrent streamed chat completions, ${ROUNDS} interleaved rounds of ${MEASURE_MS} ms per server and size`,
  )
  const verdicts: string[] = []
  for (const tokens of SIZES) {
    const mock = await startServer('mock', tokens)
    const events = await mockEvents(mock.url)
    const servers: Server[] = [
      await startServer('raw', tokens, events),
      await startServer('raw-per-event', tokens, events),
      mock,
      await startServer('llmock', tokens),
    ]
    const samples = new Map<Kind, Sample[]>(KINDS.map((k) => [k, []]))
    for (let round = 0; round < ROUNDS; round++)
      for (const server of servers) {
        await load(server, WARMUP_MS, false)
        samples.get(server.kind)!.push(await load(server, MEASURE_MS, true))
      }
    for (const s of servers) s.child.disconnect()
    const results = KINDS.map((k) => merge(k, samples.get(k)!))
    const raw = results[0]!
    console.log(
      `\n${tokens} tokens per answer (${events.length} SSE events, ${Buffer.byteLength(events.join(''))} bytes from the mock)`,
    )
    console.log(
      'server           streams/s   events/s  ttfb p99 ms  total p99 ms  cpu µs/stream  client µs/stream  errors  vs raw (streams/s)  vs raw (cpu/stream)',
    )
    for (const r of results)
      console.log(
        [
          r.kind.padEnd(14),
          r.streamsPerSec.toFixed(0).padStart(11),
          r.eventsPerSec.toFixed(0).padStart(10),
          r.ttfbP99.toFixed(2).padStart(12),
          r.totalP99.toFixed(2).padStart(13),
          r.cpuPerStreamUs.toFixed(0).padStart(14),
          r.clientCpuPerStreamUs.toFixed(0).padStart(17),
          String(r.errors).padStart(7),
          `${(r.streamsPerSec / raw.streamsPerSec).toFixed(2)}x`.padStart(19),
          `${(raw.cpuPerStreamUs / r.cpuPerStreamUs).toFixed(2)}x`.padStart(20),
        ].join(' '),
      )
    const ours = results.find((r) => r.kind === 'mock')!
    const llmock = results.find((r) => r.kind === 'llmock')!
    const ratio = ours.streamsPerSec / raw.streamsPerSec
    verdicts.push(
      `${tokens} tokens: mock ${ratio.toFixed(2)}x raw (goal >= 0.90: ${ratio >= 0.9 ? 'met' : 'MISSED'}), llmock ${(llmock.streamsPerSec / raw.streamsPerSec).toFixed(2)}x raw`,
    )
  }
  console.log(`\n${verdicts.join('\n')}`)
}
