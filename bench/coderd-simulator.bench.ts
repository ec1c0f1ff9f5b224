// coderd simulator benchmark. The simulator and its baseline (a bare node:http + ws server that
// only holds sockets and broadcasts a frame) each run in their own child process, so their memory
// is measured apart from this load generator. Two numbers, each next to its baseline:
//  1. memory per open inbox websocket: 10,000 users exist, 5,000 of them hold an inbox watch
//     socket; (RSS and heap after GC with the sockets) − (before), divided by the socket count.
//  2. fan-out: a template delete notifies 1,000 template admins; latency from sending the DELETE
//     to each admin's frame arriving, p50/p99/max over several deletes. The baseline answers a
//     POST by writing a same-sized frame to its 1,000 "admin" sockets.
//  3. routing: GET /api/v2/users/me and GET /api/v2/workspaces?q=… throughput on the direct
//     node:http router against the same core served through its msw handlers (serveHandlers),
//     the choice DESIGN.md leaves to a benchmark.
//
//   npx node bench/coderd-simulator.bench.ts     (also run by `npm run bench`)
//   env: BENCH_USERS (10000), BENCH_SOCKETS (5000), BENCH_ADMINS (1000), BENCH_ROUNDS (5)
import { type ChildProcess, fork } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

import { Agent, fetch, Pool } from 'undici'
import { WebSocket, WebSocketServer } from 'ws'

import { createCoderdCore, createCoderdHandlers, serveHandlers, TEMPLATE_DELETED } from '@scaletest/mocks'

const USERS = Number(process.env.BENCH_USERS ?? 10_000)
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 5_000)
const ADMINS = Number(process.env.BENCH_ADMINS ?? 1_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const OWNER = { email: 'owner@bench.local', username: 'owner', password: 'bench-password-1' }

interface Memory {
  rss: number
  heapUsed: number
}

type ChildMessage = { url: string; mswUrl?: string } | { memory: Memory }

function snapshotMemory(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}

async function runSimChild(): Promise<void> {
  const core = createCoderdCore({
    firstUser: OWNER,
    dispatchDelayMs: 0,
    notifyUserEvents: false,
    jobDurationMs: 0,
  })
  const direct = createServer((req, res) => void core.handle(req, res))
  direct.on('upgrade', (req, socket, head) => void core.handleUpgrade(req, socket, head))
  let mswUrl = ''
  const viaMsw = createServer(serveHandlers(createCoderdHandlers(core), () => mswUrl))
  const port = async (server: ReturnType<typeof createServer>) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return (server.address() as AddressInfo).port
  }
  const url = `http://127.0.0.1:${await port(direct)}`
  mswUrl = `http://127.0.0.1:${await port(viaMsw)}`
  core.setBaseUrl(url)
  process.on('message', (m) => {
    if (m === 'memory') process.send!({ memory: snapshotMemory() })
    if (m === 'exit') {
      core.close()
      process.exit(0)
    }
  })
  process.send!({ url, mswUrl })
}

async function runBareChild(): Promise<void> {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const admins = new Set<WebSocket>()
  const all = new Set<WebSocket>()
  const frame = JSON.stringify({
    notification: {
      id: crypto.randomUUID(),
      user_id: crypto.randomUUID(),
      template_id: TEMPLATE_DELETED,
      targets: [crypto.randomUUID(), crypto.randomUUID()],
      title: 'Template "bench-template-0" deleted',
      content: 'The template **bench-template-0** was deleted by **owner**.',
      icon: 'DEFAULT_TEMPLATE_ICON',
      actions: [{ label: 'View templates', url: 'http://127.0.0.1:3000/templates' }],
      read_at: null,
      created_at: new Date().toISOString(),
    },
    unread_count: 1,
  })
  const server = createServer((_req, res) => {
    for (const socket of admins) socket.send(frame)
    res.end('{}')
  })
  server.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => {
      all.add(ws)
      if (req.url?.includes('admin=1')) admins.add(ws)
      ws.on('close', () => {
        all.delete(ws)
        admins.delete(ws)
      })
    }),
  )
  server.listen(0, '127.0.0.1', () =>
    process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
  )
  process.on('message', (m) => {
    if (m === 'memory') process.send!({ memory: snapshotMemory() })
    if (m === 'exit') process.exit(0)
  })
}

class Child {
  readonly process: ChildProcess
  readonly url: Promise<string>
  readonly mswUrl: Promise<string | undefined>

  constructor(mode: string) {
    this.process = fork(import.meta.filename, [mode], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const started = new Promise<{ url: string; mswUrl?: string }>((resolve) =>
      this.process.on('message', (m: ChildMessage) => {
        if ('url' in m) resolve(m)
      }),
    )
    this.url = started.then((m) => m.url)
    this.mswUrl = started.then((m) => m.mswUrl)
  }

  memory(): Promise<Memory> {
    return new Promise((resolve) => {
      const onMessage = (m: ChildMessage) => {
        if (!('memory' in m)) return
        this.process.off('message', onMessage)
        resolve(m.memory)
      }
      this.process.on('message', onMessage)
      this.process.send('memory')
    })
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve))
    this.process.send('exit')
    await exited
  }
}

const dispatcher = new Agent({ connections: 64 })

// biome-ignore lint/suspicious/noExplicitAny: bench-only JSON; a wrong shape fails loudly at its use
type Json = any

async function call(
  url: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  contentType = 'application/json',
): Promise<Json> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token && { 'Coder-Session-Token': token }), 'content-type': contentType },
    body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
    dispatcher,
  })
  const text = await response.text()
  if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${text}`)
  return text ? JSON.parse(text) : undefined
}

async function inBatches<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++
        out[i] = await task(i)
      }
    }),
  )
  return out
}

function openSocket(
  url: string,
  token: string | undefined,
  onFrame: (receivedAt: number, data: string) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: token ? { 'Coder-Session-Token': token } : {},
      perMessageDeflate: false,
    })
    socket.on('message', (data) => onFrame(performance.now(), String(data)))
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

/** Requests per second for two GETs, direct router vs the same core behind msw, interleaved. */
async function benchRouting(url: string, mswUrl: string, token: string): Promise<string> {
  const paths = ['/api/v2/users/me', `/api/v2/workspaces?q=${encodeURIComponent('owner:"me"')}`]
  const N = 4_000
  const rates: Record<string, number[]> = { direct: [], msw: [] }
  for (let round = 0; round < 3; round++)
    for (const [kind, base] of [
      ['direct', url],
      ['msw', mswUrl],
    ] as const) {
      const pool = new Pool(base, { connections: 16, pipelining: 1 })
      const start = performance.now()
      await inBatches(N, 32, async (i) => {
        const { statusCode, body } = await pool.request({
          path: paths[i % 2]!,
          method: 'GET',
          headers: { 'coder-session-token': token },
        })
        await body.text()
        if (statusCode !== 200) throw new Error(`${kind} ${paths[i % 2]} → ${statusCode}`)
      })
      if (round > 0) rates[kind]!.push(N / ((performance.now() - start) / 1000)) // round 0 warms up
      await pool.close()
    }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const direct = mean(rates.direct!)
  const msw = mean(rates.msw!)
  return `routing: direct node:http ${direct.toFixed(0)} req/s, same core via msw handlers ${msw.toFixed(0)} req/s (direct/msw ${(direct / msw).toFixed(2)}x)`
}

interface Side {
  name: string
  child: Child
  url: string
  before: Memory
  after: Memory
  latencies: number[]
  /** Starts one fan-out round; resolves with the send time and how to read its receipts. */
  trigger(round: number): Promise<{ sentAt: number; received: () => number[] }>
}

/** Creates the users, tokens and templates on the simulator; opens the sockets. */
async function setUpSimulator(): Promise<{ side: Side; token: string; mswUrl: string; setupMs: number }> {
  const child = new Child('sim-child')
  const url = await child.url
  const { session_token: owner } = await call(url, 'POST', '/api/v2/users/login', undefined, {
    email: OWNER.email,
    password: OWNER.password,
  })
  const orgId = (await call(url, 'GET', '/api/v2/users/me', owner)).organization_ids[0]
  const setupStart = performance.now()
  const tokens = await inBatches(USERS, 32, async (i) => {
    const user = await call(url, 'POST', '/api/v2/users', owner, {
      email: `u${i}@bench.local`,
      username: `bench-${i}`,
      login_type: 'none',
      organization_ids: [orgId],
    })
    if (i < ADMINS)
      await call(url, 'PUT', `/api/v2/users/${user.id}/roles`, owner, { roles: ['template-admin'] })
    if (i >= SOCKETS) return undefined
    return (await call(url, 'POST', `/api/v2/users/${user.id}/keys/tokens`, owner, { scope: 'all' }))
      .key as string
  })
  const setupMs = performance.now() - setupStart
  const templates = await inBatches(ROUNDS + 1, 1, async (i) => {
    const { hash } = await call(url, 'POST', '/api/v2/files', owner, new Uint8Array(), 'application/x-tar')
    const version = await call(url, 'POST', `/api/v2/organizations/${orgId}/templateversions`, owner, {
      storage_method: 'file',
      provisioner: 'echo',
      file_id: hash,
      tags: {},
    })
    while (
      (await call(url, 'GET', `/api/v2/templateversions/${version.id}`, owner)).job.status !== 'succeeded'
    )
      await new Promise((r) => setTimeout(r, 5))
    return call(url, 'POST', `/api/v2/organizations/${orgId}/templates`, owner, {
      name: `bench-template-${i}`,
      template_version_id: version.id,
    })
  })
  const before = await child.memory()
  const receipts = new Map<string, number[]>()
  const wsUrl = `${url.replace('http', 'ws')}/api/v2/notifications/inbox/watch`
  await inBatches(SOCKETS, 100, (i) =>
    openSocket(wsUrl, tokens[i], (at, data) => {
      const target = (JSON.parse(data) as { notification: { targets: string[] } }).notification.targets[0]!
      const list = receipts.get(target) ?? []
      list.push(at)
      receipts.set(target, list)
    }),
  )
  const after = await child.memory()
  const side: Side = {
    name: 'coderd simulator',
    child,
    url,
    before,
    after,
    latencies: [],
    async trigger(round) {
      const id = templates[round].id as string
      const sentAt = performance.now()
      await call(url, 'DELETE', `/api/v2/templates/${id}`, owner)
      return { sentAt, received: () => receipts.get(id) ?? [] }
    },
  }
  return { side, token: tokens[ADMINS]!, mswUrl: (await child.mswUrl)!, setupMs }
}

async function setUpBaseline(): Promise<Side> {
  const child = new Child('bare-child')
  const url = await child.url
  const before = await child.memory()
  const receipts: number[][] = Array.from({ length: ROUNDS + 1 }, () => [])
  let round = 0
  await inBatches(SOCKETS, 100, (i) =>
    openSocket(`${url.replace('http', 'ws')}/watch${i < ADMINS ? '?admin=1' : ''}`, undefined, (at, data) => {
      JSON.parse(data)
      receipts[round]!.push(at)
    }),
  )
  const after = await child.memory()
  return {
    name: 'bare ws server',
    child,
    url,
    before,
    after,
    latencies: [],
    async trigger(r) {
      round = r
      const sentAt = performance.now()
      await call(url, 'POST', '/fanout', undefined, {})
      return { sentAt, received: () => receipts[r]! }
    },
  }
}

async function fanOutRound(side: Side, round: number): Promise<void> {
  const { sentAt, received } = await side.trigger(round)
  const deadline = Date.now() + 30_000
  while (received().length < ADMINS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2))
  if (received().length !== ADMINS)
    throw new Error(`${side.name} delivered ${received().length}/${ADMINS} frames`)
  if (round > 0) for (const at of received()) side.latencies.push(at - sentAt) // round 0 warms up
}

async function main(): Promise<void> {
  console.log(
    `coderd simulator: ${USERS} users, ${SOCKETS} inbox sockets, fan-out to ${ADMINS} template admins × ${ROUNDS} deletes (+1 warm-up), interleaved with the baseline`,
  )
  const { side: sim, token, mswUrl, setupMs } = await setUpSimulator()
  const baseline = await setUpBaseline()
  for (let round = 0; round <= ROUNDS; round++) {
    await fanOutRound(baseline, round)
    await fanOutRound(sim, round)
  }
  const routing = await benchRouting(sim.url, mswUrl, token)
  const stats = (side: Side) => {
    const sorted = [...side.latencies].sort((a, b) => a - b)
    return {
      rss: (side.after.rss - side.before.rss) / SOCKETS,
      heap: (side.after.heapUsed - side.before.heapUsed) / SOCKETS,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      max: sorted.at(-1)!,
    }
  }
  const [b, s] = [stats(baseline), stats(sim)]
  const kib = (x: number) => `${(x / 1024).toFixed(1)} KiB`
  const ms = (x: number) => `${x.toFixed(1)} ms`
  const rows = [
    ['', 'RSS/socket', 'heap/socket', 'fan-out p50', 'p99', 'max'],
    [baseline.name, kib(b.rss), kib(b.heap), ms(b.p50), ms(b.p99), ms(b.max)],
    [sim.name, kib(s.rss), kib(s.heap), ms(s.p50), ms(s.p99), ms(s.max)],
  ]
  for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(18) : c.padStart(12))).join(''))
  console.log(
    `setup: ${USERS} users (${ADMINS} template admins) + ${SOCKETS} tokens over HTTP in ${(setupMs / 1000).toFixed(1)} s; simulator RSS with ${SOCKETS} sockets ${(sim.after.rss / 2 ** 20).toFixed(0)} MiB`,
  )
  console.log(routing)
  console.log(
    `ratio simulator/baseline: heap per socket ${(s.heap / b.heap).toFixed(2)}x, RSS per socket ${(s.rss / b.rss).toFixed(2)}x, fan-out p99 ${(s.p99 / b.p99).toFixed(2)}x`,
  )
  await Promise.all([sim.child.stop(), baseline.child.stop()])
  await dispatcher.close()
  process.exit(0) // the client sockets of both sides are still open; the children are gone
}

const mode = process.argv[2]
if (mode === 'sim-child') await runSimChild()
else if (mode === 'bare-child') await runBareChild()
else await main()
