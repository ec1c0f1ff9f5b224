// Reconnecting PTY traffic benchmark: 1,000 concurrent PTY sessions, each writing one
// workspace-traffic line (1,023 random characters and a newline) every tick for the duration,
// against the coderd simulator's `/workspaceagents/{id}/pty` (dd sink, terminal echo), then the same
// over its path-based app echo (`/@owner/workspace.agent/apps/echo/`, workspace-traffic's `--app`
// mode: the raw line as one binary message) and, in the same run, a bare `ws` echo server. Both servers run in child processes; this process is the
// load generator. Prints bytes/s read back, write→read latency (a tick's bytes sent until its echo
// is read, by byte accounting), peak RSS of each server, and the simulator/baseline ratios.
//
//   npm run bench -- pty-traffic          (SESSIONS, TICK_MS, DURATION_MS override the defaults)
//
// Measured on the shared 2-core machine (load average 11–14 from other work), 1,000 sessions, 5 s:
// at a 500 ms tick the simulator read 1.95 MiB/s against 2.03 MiB/s (0.96x), p99 132.8 ms against
// 167.4 ms (0.79x), peak RSS 168.0 MiB against 148.8 MiB (1.13x). At Coder's 100 ms tick both sides
// saturate this machine (the load generator is one process): 3.85–4.92 MiB/s against 5.38–10.02
// MiB/s (0.49–0.71x), p99 4.9–8.0 s against 1.4–7.1 s, peak RSS 266–275 MiB against 164–170 MiB.
// With the app case (load average 2.6–2.9), 1,000 sessions, 500 ms tick, 5 s: the bare echo read
// 2.04 MiB/s (p99 6.5 ms), the PTY 1.95 MiB/s (0.95x, p99 38.7 ms, 5.91x), the app echo 1.95 MiB/s
// (0.95x, p99 9.2 ms, 1.40x); every tick answered. The app's peak RSS (197 MiB) is of the same
// simulator process after its PTY run.

import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

import { WebSocket, WebSocketServer } from 'ws'

import { createCoderdCore } from '@scaletest/mocks'
import { api, loginAndImportTemplate, until } from './support/coderd-api.ts'

const SESSIONS = Number(process.env.SESSIONS ?? 1000)
const WORKSPACES = 20
const TICK_MS = Number(process.env.TICK_MS ?? 500)
const DURATION_MS = Number(process.env.DURATION_MS ?? 5000)
const BYTES_PER_TICK = 1024
const OWNER = { email: 'bench@example.com', username: 'bench', password: 'bench-password-1' }
const MAIN_TF = `resource "coder_agent" "main" {\n  os = "linux"\n  arch = "amd64"\n}\nresource "coder_app" "echo" {\n  agent_id = coder_agent.main.id\n  slug = "echo"\n}\nresource "null_resource" "box" {\n  triggers = { t = coder_agent.main.token }\n}\n`

type ChildMessage = { url: string } | { rss: number }

// ---- children ----

function listen(server: ReturnType<typeof createServer>): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  )
}

function serveControl(url: string): void {
  process.send?.({ url } satisfies ChildMessage)
  // The load generator died: nothing to serve.
  process.on('disconnect', () => process.exit(0))
  process.on('message', (m) => {
    if (m === 'rss') process.send?.({ rss: process.memoryUsage().rss } satisfies ChildMessage)
    if (m === 'exit') process.exit(0)
  })
}

async function runSimChild(): Promise<void> {
  const core = createCoderdCore({
    firstUser: OWNER,
    notifyUserEvents: false,
    jobDurationMs: 0,
    agentConnectDelayMs: 0,
    agentReadyDelayMs: 0,
    provisionerDaemons: 8,
  })
  const server = createServer((req, res) => void core.handle(req, res))
  server.on('upgrade', (req, socket, head) => void core.handleUpgrade(req, socket, head))
  serveControl(await listen(server))
}

async function runBareChild(): Promise<void> {
  const server = createServer((_req, res) => res.end())
  const wss = new WebSocketServer({ server, perMessageDeflate: false })
  wss.on('connection', (ws) => ws.on('message', (data: Buffer) => ws.send(data, { binary: true })))
  serveControl(await listen(server))
}

class Child {
  readonly process: ChildProcess
  readonly url: Promise<string>
  peakRss = 0
  #sampler: NodeJS.Timeout | undefined

  constructor(mode: string) {
    this.process = fork(import.meta.filename, [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.url = new Promise((resolve) =>
      this.process.on('message', (m: ChildMessage) => {
        if ('url' in m) resolve(m.url)
        if ('rss' in m) this.peakRss = Math.max(this.peakRss, m.rss)
      }),
    )
  }

  sampleRss(): void {
    clearInterval(this.#sampler)
    this.process.send('rss')
    this.#sampler = setInterval(() => this.process.send('rss'), 250)
  }

  async stop(): Promise<void> {
    clearInterval(this.#sampler)
    const exited = new Promise((resolve) => this.process.once('exit', resolve))
    this.process.send('exit')
    await exited
  }
}

// ---- load generator ----

/** A simulator with WORKSPACES agents; returns the PTY and app URLs to dial and the session token. */
async function setUpSimulator(url: string): Promise<{ urls: string[]; appUrls: string[]; token: string }> {
  const { token, template } = await loginAndImportTemplate(url, OWNER, 'bench', MAIN_TF)
  const agents: string[] = []
  for (let i = 0; i < WORKSPACES; i++) {
    const ws = await api(url, 'POST', '/api/v2/users/me/workspaces', token, {
      template_id: template.id,
      name: `scaletest-bench-${i}`,
    })
    agents.push(
      await until(async () => {
        const w = await api(url, 'GET', `/api/v2/workspaces/${ws.id}`, token)
        const agent = w.latest_build.resources[0]?.agents[0]
        return agent?.status === 'connected' ? (agent.id as string) : undefined
      }, 'agent connected'),
    )
  }
  const command = encodeURIComponent(`dd if=/dev/stdin of=/dev/null bs=${BYTES_PER_TICK} status=none`)
  const wsBase = url.replace('http', 'ws')
  const urls = Array.from(
    { length: SESSIONS },
    (_, i) =>
      `${wsBase}/api/v2/workspaceagents/${agents[i % WORKSPACES]}/pty?reconnect=${randomUUID()}&width=80&height=25&command=${command}`,
  )
  const appUrls = Array.from(
    { length: SESSIONS },
    (_, i) => `${wsBase}/@${OWNER.username}/scaletest-bench-${i % WORKSPACES}.main/apps/echo/`,
  )
  return { urls, appUrls, token }
}

interface Session {
  ws: WebSocket
  read: number
  expected: number
  waiting: { target: number; sentAt: number }[]
}

const ALLOWED =
  '\t !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}'
function line(): string {
  let out = ''
  for (const b of randomBytes(BYTES_PER_TICK - 1)) out += ALLOWED[b % ALLOWED.length]
  return `${out}\n`
}

interface Outcome {
  name: string
  bytesRead: number
  bytesPerSecond: number
  ticks: number
  answered: number
  p50: number
  p99: number
  max: number
  peakRss: number
}

/** Reconnecting PTY input: the line in a `{"data": …}` frame. */
const ptyFrame = (data: string) => Buffer.from(JSON.stringify({ data }))

/**
 * Opens every session, runs the ticks, drains, closes. `encode(data)` = the message a tick sends,
 * `echoBytes(frame, data)` = bytes a tick gets back.
 */
async function drive(
  name: string,
  child: Child,
  urls: string[],
  headers: Record<string, string>,
  echoBytes: (frame: Buffer, data: string) => number,
  encode: (data: string) => Buffer = ptyFrame,
): Promise<Outcome> {
  const latencies: number[] = []
  const sessions: Session[] = []
  for (let i = 0; i < urls.length; i += 100)
    sessions.push(
      ...(await Promise.all(
        urls.slice(i, i + 100).map(
          (url) =>
            new Promise<Session>((resolve, reject) => {
              const ws = new WebSocket(url, { headers, perMessageDeflate: false })
              const session: Session = { ws, read: 0, expected: 0, waiting: [] }
              ws.on('message', (data: Buffer) => {
                session.read += data.length
                const now = performance.now()
                while (session.waiting.length > 0 && session.waiting[0]!.target <= session.read)
                  latencies.push(now - session.waiting.shift()!.sentAt)
              })
              ws.once('open', () => resolve(session))
              ws.once('error', reject)
            }),
        ),
      )),
    )
  child.sampleRss()
  const payload = line()
  const frame = encode(payload)
  const perTick = echoBytes(frame, payload)
  let ticks = 0
  const started = performance.now()
  // Each session ticks on its own schedule, spread over the interval.
  await Promise.all(
    sessions.map(async (session, i) => {
      const offset = (i / sessions.length) * TICK_MS
      for (let k = 0; ; k++) {
        const due = started + offset + k * TICK_MS
        if (due - started >= DURATION_MS) return
        const wait = due - performance.now()
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
        session.expected += perTick
        session.waiting.push({ target: session.expected, sentAt: performance.now() })
        session.ws.send(frame, { binary: true })
        ticks++
      }
    }),
  )
  const deadline = performance.now() + 10_000
  while (sessions.some((s) => s.waiting.length > 0) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 10))
  const elapsed = performance.now() - started
  const bytesRead = sessions.reduce((n, s) => n + s.read, 0)
  await Promise.all(
    sessions.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.ws.once('close', () => resolve())
          s.ws.close(1000)
        }),
    ),
  )
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN
  return {
    name,
    bytesRead,
    bytesPerSecond: bytesRead / (elapsed / 1000),
    ticks,
    answered: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? Number.NaN,
    peakRss: child.peakRss,
  }
}

async function main(): Promise<void> {
  console.log(
    `reconnecting PTY traffic: ${SESSIONS} sessions, ${BYTES_PER_TICK} bytes every ${TICK_MS} ms for ${DURATION_MS} ms, ` +
      'coderd simulator (dd sink, terminal echo) against a bare ws echo server, both in child processes',
  )
  const bare = new Child('bare-child')
  const bareUrl = `${(await bare.url).replace('http', 'ws')}/echo`
  const baseline = await drive(
    'bare ws echo',
    bare,
    Array(SESSIONS).fill(bareUrl),
    {},
    (frame) => frame.length,
  )
  await bare.stop()

  const simChild = new Child('sim-child')
  const setupStart = performance.now()
  let sim: Outcome
  let app: Outcome
  let setupMs: number
  try {
    const { urls, appUrls, token } = await setUpSimulator(await simChild.url)
    setupMs = performance.now() - setupStart
    sim = await drive(
      'coderd simulator PTY',
      simChild,
      urls,
      { cookie: `coder_session_token=${token}` },
      (_frame, data) => Buffer.byteLength(data) + 1, // the echo, newline as \r\n
    )
    simChild.peakRss = 0
    app = await drive(
      'coderd simulator app',
      simChild,
      appUrls,
      { 'Coder-Session-Token': token },
      (frame) => frame.length, // the app echoes the bytes as they were
      (data) => Buffer.from(data),
    )
  } finally {
    await simChild.stop()
  }

  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
  const ms = (n: number) => `${n.toFixed(1)} ms`
  const rows = [
    ['', 'bytes/s read', 'ticks', 'answered', 'p50', 'p99', 'max', 'peak RSS'],
    ...[baseline, sim, app].map((o) => [
      o.name,
      `${(o.bytesPerSecond / 2 ** 20).toFixed(2)} MiB/s`,
      String(o.ticks),
      String(o.answered),
      ms(o.p50),
      ms(o.p99),
      ms(o.max),
      mib(o.peakRss),
    ]),
  ]
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '))
  console.log(`setup: ${WORKSPACES} workspaces with connected agents in ${(setupMs / 1000).toFixed(1)} s`)
  console.log(
    `ratio simulator/baseline: bytes/s ${(sim.bytesPerSecond / baseline.bytesPerSecond).toFixed(2)}x, ` +
      `p99 ${(sim.p99 / baseline.p99).toFixed(2)}x, peak RSS ${(sim.peakRss / baseline.peakRss).toFixed(2)}x`,
  )
  console.log(
    `ratio simulator app/baseline: bytes/s ${(app.bytesPerSecond / baseline.bytesPerSecond).toFixed(2)}x, ` +
      `p99 ${(app.p99 / baseline.p99).toFixed(2)}x, peak RSS ${(app.peakRss / baseline.peakRss).toFixed(2)}x`,
  )
  const unanswered = [baseline, sim, app].filter((o) => o.answered !== o.ticks)
  if (unanswered.length > 0)
    throw new Error(
      `unanswered ticks: ${unanswered.map((o) => `${o.name} ${o.ticks - o.answered}`).join(', ')}`,
    )
}

const mode = process.argv[2]
if (mode === 'sim-child') await runSimChild()
else if (mode === 'bare-child') await runBareChild()
else await main()
