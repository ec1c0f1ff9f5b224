// coderd simulator benchmark. The simulator and its baseline (a bare node:http + ws server that
// only holds sockets and broadcasts a frame) each run in their own child process, so their memory
// is measured apart from this load generator. Two numbers, each next to its baseline:
//  1. memory per open inbox websocket: 10,000 users exist, 5,000 of them hold an inbox watch
//     socket; (RSS and heap after GC with the sockets) − (before), divided by the socket count.
//  2. fan-out: a template delete notifies 1,000 template admins; latency from sending the DELETE
//     to each admin's frame arriving, p50/p99/max over several deletes. The baseline answers a
//     POST by writing a same-sized frame to its 1,000 "admin" sockets.
//
//   npx node bench/coderd-simulator.bench.ts     (also run by `npm run bench`)
//   env: BENCH_USERS (10000), BENCH_SOCKETS (5000), BENCH_ADMINS (1000), BENCH_ROUNDS (5)
import { type ChildProcess, fork } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

import { Agent, fetch } from 'undici'
import { WebSocket, WebSocketServer } from 'ws'

import { startCoderdSimulator, TEMPLATE_DELETED } from '@scaletest/mocks'

const USERS = Number(process.env.BENCH_USERS ?? 10_000)
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 5_000)
const ADMINS = Number(process.env.BENCH_ADMINS ?? 1_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const OWNER = { email: 'owner@bench.local', username: 'owner', password: 'bench-password-1' }

interface Memory {
  rss: number
  heapUsed: number
}

type ChildMessage = { url: string } | { memory: Memory }

function snapshotMemory(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}

async function runSimChild(): Promise<void> {
  const sim = await startCoderdSimulator({
    firstUser: OWNER,
    dispatchDelayMs: 0,
    notifyUserEvents: false,
    jobDurationMs: 0,
  })
  process.on('message', (m) => {
    if (m === 'memory') process.send!({ memory: snapshotMemory() })
    if (m === 'exit') void sim.close().then(() => process.exit(0))
  })
  process.send!({ url: sim.url })
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

  constructor(mode: string) {
    this.process = fork(import.meta.filename, [mode], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.url = new Promise((resolve) =>
      this.process.on('message', (m: ChildMessage) => {
        if ('url' in m) resolve(m.url)
      }),
    )
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

interface Result {
  rssPerSocket: number
  heapPerSocket: number
  p50: number
  p99: number
  max: number
  extra: string
}

async function benchSimulator(): Promise<Result> {
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
  const sockets = await inBatches(SOCKETS, 100, (i) =>
    openSocket(wsUrl, tokens[i], (at, data) => {
      const targets = (JSON.parse(data) as { notification: { targets: string[] } }).notification.targets
      const list = receipts.get(targets[0]!) ?? []
      list.push(at)
      receipts.set(targets[0]!, list)
    }),
  )
  const after = await child.memory()

  const latencies: number[] = []
  for (const [round, template] of templates.entries()) {
    const sentAt = performance.now()
    await call(url, 'DELETE', `/api/v2/templates/${template.id}`, owner)
    const deadline = Date.now() + 30_000
    while ((receipts.get(template.id)?.length ?? 0) < ADMINS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 2))
    const got = receipts.get(template.id) ?? []
    if (got.length !== ADMINS) throw new Error(`simulator delivered ${got.length}/${ADMINS} frames`)
    if (round > 0) for (const at of got) latencies.push(at - sentAt) // round 0 warms up
  }
  for (const socket of sockets) socket.terminate()
  await child.stop()
  latencies.sort((a, b) => a - b)
  return {
    rssPerSocket: (after.rss - before.rss) / SOCKETS,
    heapPerSocket: (after.heapUsed - before.heapUsed) / SOCKETS,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1)!,
    extra: `setup: ${USERS} users (${ADMINS} template admins) + ${SOCKETS} tokens in ${(setupMs / 1000).toFixed(1)} s; simulator RSS with sockets ${(after.rss / 2 ** 20).toFixed(0)} MiB`,
  }
}

async function benchBaseline(): Promise<Result> {
  const child = new Child('bare-child')
  const url = await child.url
  const before = await child.memory()
  let round = 0
  const receipts: number[][] = Array.from({ length: ROUNDS + 1 }, () => [])
  const sockets = await inBatches(SOCKETS, 100, (i) =>
    openSocket(`${url.replace('http', 'ws')}/watch${i < ADMINS ? '?admin=1' : ''}`, undefined, (at, data) => {
      JSON.parse(data)
      receipts[round]!.push(at)
    }),
  )
  const after = await child.memory()
  const latencies: number[] = []
  for (round = 0; round <= ROUNDS; round++) {
    const sentAt = performance.now()
    await call(url, 'POST', '/fanout', undefined, {})
    while (receipts[round]!.length < ADMINS) await new Promise((r) => setTimeout(r, 2))
    if (round > 0) for (const at of receipts[round]!) latencies.push(at - sentAt) // round 0 warms up
  }
  for (const socket of sockets) socket.terminate()
  await child.stop()
  latencies.sort((a, b) => a - b)
  return {
    rssPerSocket: (after.rss - before.rss) / SOCKETS,
    heapPerSocket: (after.heapUsed - before.heapUsed) / SOCKETS,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1)!,
    extra: '',
  }
}

async function main(): Promise<void> {
  console.log(
    `coderd simulator: ${USERS} users, ${SOCKETS} inbox sockets, fan-out to ${ADMINS} template admins × ${ROUNDS} deletes (+1 warm-up)`,
  )
  const baseline = await benchBaseline()
  const sim = await benchSimulator()
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`
  const ms = (x: number) => `${x.toFixed(1)} ms`
  const rows = [
    ['', 'RSS/socket', 'heap/socket', 'fan-out p50', 'p99', 'max'],
    [
      'bare ws server',
      kib(baseline.rssPerSocket),
      kib(baseline.heapPerSocket),
      ms(baseline.p50),
      ms(baseline.p99),
      ms(baseline.max),
    ],
    [
      'coderd simulator',
      kib(sim.rssPerSocket),
      kib(sim.heapPerSocket),
      ms(sim.p50),
      ms(sim.p99),
      ms(sim.max),
    ],
  ]
  for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(18) : c.padStart(12))).join(''))
  console.log(sim.extra)
  console.log(
    `ratio simulator/baseline: RSS per socket ${(sim.rssPerSocket / baseline.rssPerSocket).toFixed(2)}x, heap per socket ${(sim.heapPerSocket / baseline.heapPerSocket).toFixed(2)}x, fan-out p99 ${(sim.p99 / baseline.p99).toFixed(2)}x`,
  )
  await dispatcher.close()
}

const mode = process.argv[2]
if (mode === 'sim-child') await runSimChild()
else if (mode === 'bare-child') await runBareChild()
else await main()
