// AI Bridge benchmark: streamed chat completions from N concurrent users (closed loop), straight to
// the LLM mock (direct, the baseline) and through the coderd simulator's AI Bridge to the same mock
// (bridge), side by side in one run, at 64 and 512 users. The mock and the simulator each run in
// their own child process. Phases interleave (direct, bridge, …) over two rounds so drift on a
// shared machine hits both alike. Prints requests/s and p50/p99 of time to first token and of the
// full stream, and the bridge/direct ratios.
//
//   npx node bench/aibridge.bench.ts            (also run by `npm run bench`)
//   BENCH_USERS=64 BENCH_ROUNDS=1 BENCH_STREAM_MS=0 npx node bench/aibridge.bench.ts
import { type ChildProcess, fork } from 'node:child_process'

import { Pool } from 'undici'

const USERS = (process.env.BENCH_USERS ?? '64,512').split(',').map(Number)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
// The mock paces each answer over this long, so the first token comes well before the end.
const STREAM_MS = Number(process.env.BENCH_STREAM_MS ?? 100)
const WARMUP_MS = 500
const MEASURE_MS = 2000
const MODES = ['direct', 'bridge'] as const
type Mode = (typeof MODES)[number]

const BODY = JSON.stringify({
  model: 'gpt-4',
  stream: true,
  messages: [{ role: 'user', content: 'bench: reply with one short paragraph about load testing.' }],
})
const OWNER = { email: 'bench@scaletest.local', username: 'bench', password: 'bench-password-1' }

// ---------- child side ----------

type Role = { llm: true } | { coderd: string }

async function serve(role: Role): Promise<string> {
  const mocks = await import('@scaletest/mocks')
  if ('llm' in role)
    return (
      await mocks.startLlmMock({
        responsePayloadSize: 200,
        ...(STREAM_MS > 0 && { minStreamDurationMs: STREAM_MS, maxStreamDurationMs: STREAM_MS }),
      })
    ).url
  const sim = await mocks.startCoderdSimulator({
    firstUser: OWNER,
    notifyUserEvents: false,
    aibridge: { openaiBaseUrl: `${role.coderd}/v1` },
  })
  return sim.url
}

// ---------- parent side ----------

function start(role: Role): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(import.meta.filename, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve({ child, url: (reply as { url: string }).url }))
    child.send(role)
  })
}

interface Sample {
  requests: number
  errors: number
  ttft: number[]
  total: number[]
}

async function load(origin: string, path: string, token: string, users: number, durationMs: number) {
  const pool = new Pool(origin, { connections: users, pipelining: 1 })
  const sample: Sample = { requests: 0, errors: 0, ttft: [], total: [] }
  const headers = { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }
  const deadline = performance.now() + durationMs
  const user = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now()
      try {
        const { statusCode, body } = await pool.request({ path, method: 'POST', headers, body: BODY })
        let first = 0
        for await (const chunk of body)
          if (first === 0 && String(chunk).includes('"content":"')) first = performance.now()
        if (statusCode !== 200 || first === 0) throw new Error(`status ${statusCode}`)
        sample.requests++
        sample.ttft.push(first - t0)
        sample.total.push(performance.now() - t0)
      } catch {
        sample.errors++
      }
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: users }, user))
  const elapsed = performance.now() - started
  await pool.close()
  return { sample, elapsedMs: elapsed }
}

const pct = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function main(): Promise<void> {
  const llm = await start({ llm: true })
  const coderd = await start({ coderd: llm.url })
  try {
    const login = await fetch(`${coderd.url}/api/v2/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
    })
    const { session_token: token } = (await login.json()) as { session_token: string }
    const targets: Record<Mode, { origin: string; path: string; token: string }> = {
      direct: { origin: llm.url, path: '/v1/chat/completions', token: '' },
      bridge: { origin: coderd.url, path: '/api/v2/aibridge/openai/v1/chat/completions', token },
    }
    console.log(
      `streamed chat completions, 50 tokens paced over ${STREAM_MS} ms, closed loop, ` +
        `${ROUNDS} round(s) × ${MEASURE_MS} ms per phase`,
    )
    console.log('users  mode     req/s    ttft p50   ttft p99   full p50   full p99   errors')
    for (const users of USERS) {
      const merged: Record<Mode, Sample & { elapsedMs: number }> = {
        direct: { requests: 0, errors: 0, ttft: [], total: [], elapsedMs: 0 },
        bridge: { requests: 0, errors: 0, ttft: [], total: [], elapsedMs: 0 },
      }
      for (let round = 0; round < ROUNDS; round++)
        for (const mode of MODES) {
          const { origin, path, token: bearer } = targets[mode]
          await load(origin, path, bearer, users, WARMUP_MS)
          const { sample, elapsedMs } = await load(origin, path, bearer, users, MEASURE_MS)
          const m = merged[mode]
          m.requests += sample.requests
          m.errors += sample.errors
          m.ttft.push(...sample.ttft)
          m.total.push(...sample.total)
          m.elapsedMs += elapsedMs
        }
      const row: Record<Mode, number[]> = { direct: [], bridge: [] }
      for (const mode of MODES) {
        const m = merged[mode]
        const rate = m.requests / (m.elapsedMs / 1000)
        row[mode] = [rate, pct(m.ttft, 50), pct(m.ttft, 99), pct(m.total, 50), pct(m.total, 99)]
        const cells = row[mode].map((v, i) => (i === 0 ? v.toFixed(0) : `${v.toFixed(1)} ms`))
        console.log(
          `${String(users).padEnd(6)} ${mode.padEnd(7)} ${cells[0]!.padStart(6)} ${cells
            .slice(1)
            .map((c) => c.padStart(10))
            .join(' ')} ${String(m.errors).padStart(8)}`,
        )
      }
      const ratio = (i: number) => (row.bridge[i]! / row.direct[i]!).toFixed(2)
      console.log(
        `${String(users).padEnd(6)} bridge/direct: req/s ×${ratio(0)}, ttft p50 ×${ratio(1)}, ttft p99 ×${ratio(2)}, ` +
          `full p50 ×${ratio(3)}, full p99 ×${ratio(4)}`,
      )
    }
  } finally {
    llm.child.kill()
    coderd.child.kill()
  }
}

// Last, so every const above is initialised before main() reads it.
if (process.send && process.argv[2] === '--child') {
  process.on('message', async (role: Role) => process.send!({ url: await serve(role) }))
  process.on('disconnect', () => process.exit(0))
} else {
  await main()
}
