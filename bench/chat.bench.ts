// Chat benchmark: the coderd simulator's chats API with the LLM mock behind it, at BENCH_CHATS
// concurrent chats × BENCH_TURNS turns, against its baseline in the same run: the same prompts sent
// straight to the LLM mock by as many concurrent callers, each turn after the previous one.
// The LLM mock and the simulator each run in a child process of their own, so their peak RSS is
// theirs and not this load generator's. Printed:
//  - chats/s and turns/s the simulator sustains (completed conversations over wall time),
//  - turn latency (turn start → `waiting`) and time to first output (→ first `message_part`, or the
//    replayed assistant `message` for a turn that finished before the stream attached), p50/p99,
//  - the latency the simulator adds over the LLM mock's own time to first byte: time to first output
//    minus the baseline's TTFB at p50 and p99, with the ratio, over all turns and over follow-up turns
//    only (their stream is attached; turn 1 also pays POST /chats and the websocket upgrade, all 1000
//    at once, so its burst spreads the later turns out more than the baseline's lockstep turns are),
//    and the whole turn against the whole answer,
//  - how long POST /chats and the stream upgrade took (both from the conversation's start),
//  - wall time of each phase, CPU time of each process per phase (on a shared machine the wall
//    figures follow the CPU the processes get), and the peak RSS of the simulator, the LLM mock and
//    this process.
//
//   npx node bench/chat.bench.ts     (also run by `npm run bench`)
//   env: BENCH_CHATS (1000), BENCH_TURNS (3), BENCH_WARMUP (100 one-turn chats through each path first,
//   not measured), BENCH_TIMEOUT_MS (120000: a phase that takes longer fails)
import { type ChildProcess, fork } from 'node:child_process'
import { performance } from 'node:perf_hooks'

import { Agent, fetch } from 'undici'
import { WebSocket } from 'ws'

import { startCoderdSimulator, startLlmMock } from '@scaletest/mocks'

const CHATS = Number(process.env.BENCH_CHATS ?? 1_000)
const TURNS = Number(process.env.BENCH_TURNS ?? 3)
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 120_000)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100)
const OWNER = { email: 'owner@bench.local', username: 'owner', password: 'bench-password-1' }
const PROMPT = 'Reply with one short sentence.'

type ChildMessage = { url: string } | { peakRssBytes: number; cpuMs: number }

// ---- children -------------------------------------------------------------------------------------

async function runLlmChild(): Promise<void> {
  const llm = await startLlmMock({ journalLimit: 0 })
  serveChild(llm.url, () => llm.close())
}

async function runSimChild(): Promise<void> {
  const sim = await startCoderdSimulator({ firstUser: OWNER, notifyUserEvents: false })
  serveChild(sim.url, () => sim.close())
}

function serveChild(url: string, close: () => Promise<void> | void): void {
  process.on('message', async (m) => {
    // maxRSS is the process's peak resident set size, in KiB.
    if (m === 'peak') {
      const usage = process.resourceUsage()
      process.send!({
        peakRssBytes: usage.maxRSS * 1024,
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      })
    }
    if (m === 'exit') {
      await close()
      process.exit(0)
    }
  })
  process.send!({ url })
}

class Child {
  readonly process: ChildProcess
  readonly url: Promise<string>

  constructor(mode: 'llm' | 'sim') {
    this.process = fork(import.meta.filename, [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.url = new Promise((resolve, reject) => {
      this.process.once('exit', (code) => reject(new Error(`${mode} child exited with ${code}`)))
      this.process.on('message', (m: ChildMessage) => {
        if ('url' in m) resolve(m.url)
      })
    })
  }

  /** Peak RSS so far, and CPU time used so far. */
  usage(): Promise<{ peakRssBytes: number; cpuMs: number }> {
    return new Promise((resolve) => {
      const onMessage = (m: ChildMessage) => {
        if (!('peakRssBytes' in m)) return
        this.process.off('message', onMessage)
        resolve(m)
      }
      this.process.on('message', onMessage)
      this.process.send('peak')
    })
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return
    const exited = new Promise((resolve) => this.process.once('exit', resolve))
    this.process.send('exit')
    await exited
  }
}

// ---- measurement helpers --------------------------------------------------------------------------

const dispatcher = new Agent({ connections: null, pipelining: 1 })

// biome-ignore lint/suspicious/noExplicitAny: bench-only JSON; a wrong shape fails loudly at its use
type Json = any

async function call(url: string, method: string, path: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token && { 'Coder-Session-Token': token }), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher,
  })
  const text = await response.text()
  if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 300)}`)
  return (text ? JSON.parse(text) : undefined) as Json
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

function summary(values: number[]): { n: number; p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b)
  return { n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }
}

const ms = (v: number) => `${v.toFixed(1)} ms`
const signedMs = (v: number) => `${v < 0 ? '-' : '+'}${ms(Math.abs(v))}`
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`

function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${TIMEOUT_MS} ms`)), TIMEOUT_MS)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// ---- baseline: the same prompts straight to the LLM mock ------------------------------------------

interface BaselineResult {
  wallMs: number
  ttfb: number[]
  turn: number[]
}

async function baseline(llmUrl: string, chats: number, turns: number): Promise<BaselineResult> {
  const ttfb: number[] = []
  const turn: number[] = []
  const conversation = async () => {
    const messages: { role: string; content: string }[] = []
    for (let t = 0; t < turns; t++) {
      messages.push({ role: 'user', content: PROMPT })
      const started = performance.now()
      const response = await fetch(`${llmUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer coder-scaletest' },
        body: JSON.stringify({ model: 'scaletest-model', stream: true, messages }),
        dispatcher,
      })
      if (response.status !== 200 || !response.body) throw new Error(`LLM mock answered ${response.status}`)
      let first = true
      let text = ''
      const decoder = new TextDecoder()
      for await (const chunk of response.body) {
        if (first) {
          ttfb.push(performance.now() - started)
          first = false
        }
        text += decoder.decode(chunk as Uint8Array, { stream: true })
      }
      if (!text.includes('[DONE]')) throw new Error('LLM mock stream ended without [DONE]')
      turn.push(performance.now() - started)
      messages.push({ role: 'assistant', content: assistantText(text) })
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: chats }, conversation))
  return { wallMs: performance.now() - started, ttfb, turn }
}

function assistantText(sse: string): string {
  let out = ''
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: {')) continue
    out += JSON.parse(line.slice(6)).choices?.[0]?.delta?.content ?? ''
  }
  return out
}

// ---- the simulator with the LLM mock behind it ----------------------------------------------------

interface SimResult {
  wallMs: number
  turn: { initial: number[]; follow_up: number[] }
  firstOutput: { initial: number[]; follow_up: number[] }
  /** POST /chats answered, and the stream websocket open, both from the conversation's start. */
  created: number[]
  opened: number[]
  retries: number
}

interface SimTarget {
  simUrl: string
  token: string
  modelId: string
}

async function bootstrap(simUrl: string, llmUrl: string): Promise<SimTarget> {
  const { session_token: token } = await call(simUrl, 'POST', '/api/v2/users/login', undefined, {
    email: OWNER.email,
    password: OWNER.password,
  })
  const provider = await call(simUrl, 'POST', '/api/v2/ai/providers', token, {
    type: 'openai-compat',
    name: 'coder-scaletest-mock',
    display_name: 'Scaletest LLM Mock',
    base_url: `${llmUrl}/v1`,
    api_keys: ['coder-scaletest'],
  })
  // No chat has looked the provider table up yet, so no replica holds a snapshot without the provider.
  const model = await call(simUrl, 'POST', '/api/experimental/chats/model-configs', token, {
    provider: 'openai-compat',
    ai_provider_id: provider.id,
    model: 'scaletest-model',
    context_limit: 4096,
  })
  return { simUrl, token, modelId: model.id }
}

async function throughSimulator(
  { simUrl, token, modelId }: SimTarget,
  chats: number,
  turns: number,
): Promise<SimResult> {
  const result: SimResult = {
    wallMs: 0,
    turn: { initial: [], follow_up: [] },
    firstOutput: { initial: [], follow_up: [] },
    created: [],
    opened: [],
    retries: 0,
  }
  const wsBase = simUrl.replace(/^http/, 'ws')
  const headers = { 'Coder-Session-Token': token }

  // One conversation, with scaletest/chat/run.go's rules for what ends a turn.
  const conversation = async () => {
    let turnStart = performance.now()
    const chat = await call(simUrl, 'POST', '/api/experimental/chats', token, {
      content: [{ type: 'text', text: PROMPT }],
      model_config_id: modelId,
    })
    const conversationStart = turnStart
    result.created.push(performance.now() - conversationStart)
    const ws = new WebSocket(`${wsBase}/api/experimental/chats/${chat.id}/stream`, {
      headers,
      perMessageDeflate: false,
    })
    ws.once('open', () => result.opened.push(performance.now() - conversationStart))
    await new Promise<void>((resolve, reject) => {
      let turn = 1
      let lastStatus = ''
      let sawRunning = false
      let sawOutput = false
      let done = false
      const phase = () => (turn === 1 ? 'initial' : 'follow_up')
      const fail = (error: Error) => {
        if (done) return
        done = true
        ws.terminate()
        reject(error)
      }
      ws.on('error', fail)
      ws.on('close', () => fail(new Error(`chat ${chat.id}: stream closed during turn ${turn}`)))
      ws.on('message', (raw) => {
        for (const e of JSON.parse(String(raw)) as Json[]) {
          if (e.type === 'message_part' || (e.type === 'message' && e.message?.role === 'assistant')) {
            if (!sawOutput) result.firstOutput[phase()].push(performance.now() - turnStart)
            sawOutput = true
          } else if (e.type === 'retry') result.retries++
          else if (e.type === 'status') {
            const status = e.status.status
            if (status === lastStatus) continue
            if (status === 'waiting' && !sawOutput && (sawRunning || turn > 1)) continue
            lastStatus = status
            if (status === 'running') sawRunning = true
            if (status === 'error') fail(new Error(`chat ${chat.id} reached error status in turn ${turn}`))
            if (status !== 'waiting') continue
            result.turn[phase()].push(performance.now() - turnStart)
            if (turn === turns) {
              done = true
              ws.close()
              resolve()
              return
            }
            turn++
            lastStatus = ''
            sawRunning = false
            sawOutput = false
            turnStart = performance.now()
            call(simUrl, 'POST', `/api/experimental/chats/${chat.id}/messages`, token, {
              content: [{ type: 'text', text: PROMPT }],
            }).catch(fail)
          }
        }
      })
    })
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: chats }, conversation))
  result.wallMs = performance.now() - started
  return result
}

// ---- main -----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const llm = new Child('llm')
  const sim = new Child('sim')
  try {
    const [llmUrl, simUrl] = await Promise.all([llm.url, sim.url])
    console.log(`chat benchmark: ${CHATS} concurrent chats × ${TURNS} turns (no tool calls)`)

    const target = await bootstrap(simUrl, llmUrl)
    // Warm-up (JIT, connection pools), not measured.
    await withTimeout('warm-up', baseline(llmUrl, WARMUP, 1))
    await withTimeout('warm-up', throughSimulator(target, WARMUP, 1))

    const cpu0 = { llm: (await llm.usage()).cpuMs, self: process.cpuUsage() }
    const base = await withTimeout('baseline', baseline(llmUrl, CHATS, TURNS))
    const afterBase = { llm: await llm.usage(), sim: await sim.usage(), self: process.cpuUsage() }
    const viaSim = await withTimeout('simulator run', throughSimulator(target, CHATS, TURNS))
    const afterSim = { llm: await llm.usage(), sim: await sim.usage(), self: process.cpuUsage() }
    const selfMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user + b.system - a.user - a.system) / 1000

    const ttfb = summary(base.ttfb)
    const baseTurn = summary(base.turn)
    const allTurns = summary([...viaSim.turn.initial, ...viaSim.turn.follow_up])
    const firstInitial = summary(viaSim.firstOutput.initial)
    const firstFollow = summary(viaSim.firstOutput.follow_up)
    const turnFollow = summary(viaSim.turn.follow_up)
    const turnInitial = summary(viaSim.turn.initial)
    const row = (name: string, s: { n: number; p50: number; p99: number }) =>
      console.log(
        `  ${name.padEnd(50)} n=${String(s.n).padStart(5)}  p50 ${ms(s.p50).padStart(10)}  p99 ${ms(s.p99).padStart(10)}`,
      )

    console.log(`\nbaseline: the same prompts straight to the LLM mock (wall ${ms(base.wallMs)})`)
    row('LLM mock time to first byte', ttfb)
    row('LLM mock whole answer', baseTurn)
    console.log(`  conversations/s ${(CHATS / (base.wallMs / 1000)).toFixed(1)}`)

    console.log(`\nsimulator with the LLM mock behind it (wall ${ms(viaSim.wallMs)})`)
    row('POST /chats answered', summary(viaSim.created))
    row('stream websocket open', summary(viaSim.opened))
    row('turn latency, all turns', allTurns)
    row('turn latency, initial (POST /chats → waiting)', turnInitial)
    row('turn latency, follow-up (POST messages → waiting)', turnFollow)
    row(
      'time to first output, all turns',
      summary([...viaSim.firstOutput.initial, ...viaSim.firstOutput.follow_up]),
    )
    row('time to first output, initial', firstInitial)
    row('time to first output, follow-up', firstFollow)
    console.log(
      `  chats/s ${(CHATS / (viaSim.wallMs / 1000)).toFixed(1)}  turns/s ${((CHATS * TURNS) / (viaSim.wallMs / 1000)).toFixed(1)}  retry events ${viaSim.retries}`,
    )

    const firstAll = summary([...viaSim.firstOutput.initial, ...viaSim.firstOutput.follow_up])
    const added = (name: string, sim: { p50: number; p99: number }, mock: { p50: number; p99: number }) =>
      console.log(
        `  ${name.padEnd(50)} p50 ${signedMs(sim.p50 - mock.p50).padStart(11)} (${(sim.p50 / mock.p50).toFixed(2)}×)  p99 ${signedMs(sim.p99 - mock.p99).padStart(11)} (${(sim.p99 / mock.p99).toFixed(2)}×)`,
      )
    console.log(
      '\nlatency the simulator adds over the LLM mock (simulator − baseline at the same quantile, ratio)',
    )
    added('first output − TTFB, all turns', firstAll, ttfb)
    added('first output − TTFB, follow-up turns only', firstFollow, ttfb)
    added('turn latency − whole answer, all turns', allTurns, baseTurn)
    console.log(`  wall time ratio simulator/baseline ${(viaSim.wallMs / base.wallMs).toFixed(2)}×`)

    const perTurn = (cpuMs: number) => `${(cpuMs / (CHATS * TURNS)).toFixed(2)} ms/turn`
    console.log('\nCPU time (user + system)')
    console.log(
      `  baseline: LLM mock ${ms(afterBase.llm.cpuMs - cpu0.llm)} (${perTurn(afterBase.llm.cpuMs - cpu0.llm)}), load generator ${ms(selfMs(cpu0.self, afterBase.self))}`,
    )
    console.log(
      `  simulator run: simulator ${ms(afterSim.sim.cpuMs - afterBase.sim.cpuMs)} (${perTurn(afterSim.sim.cpuMs - afterBase.sim.cpuMs)}), LLM mock ${ms(afterSim.llm.cpuMs - afterBase.llm.cpuMs)}, load generator ${ms(selfMs(afterBase.self, afterSim.self))}`,
    )

    console.log('\npeak RSS')
    console.log(`  simulator ${mib(afterSim.sim.peakRssBytes)}`)
    console.log(
      `  LLM mock ${mib(afterSim.llm.peakRssBytes)} (${mib(afterBase.llm.peakRssBytes)} after the baseline)`,
    )
    console.log(`  load generator ${mib(process.resourceUsage().maxRSS * 1024)}`)
  } finally {
    await Promise.all([llm.stop(), sim.stop()])
    await dispatcher.close()
  }
}

const mode = process.argv[2]
if (mode === 'llm') await runLlmChild()
else if (mode === 'sim') await runSimChild()
else
  await main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
