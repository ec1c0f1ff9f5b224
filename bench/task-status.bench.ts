// task-status benchmark: W external-agent workspaces, each watched over its SSE stream; every round
// each agent reports an app status at the same instant (as Coder's runners do) and the time from
// sending the report to its watch showing it is measured. The coderd simulator against a bare
// baseline (node:http: a PATCH writes a same-sized SSE event to that workspace's stream), each in
// its own child process, in the same run. Prints reports/s, p50/p99/max and the ratios.
//
//   npx node bench/task-status.bench.ts        (also run by `npm run bench`)
//   env: BENCH_WORKSPACES (200), BENCH_ROUNDS (10)
import { type ChildProcess, fork } from 'node:child_process'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

import { Agent, fetch } from 'undici'

import { api, loginAndImportTemplate, until } from './support/coderd-api.ts'

const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 200)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10)
const APP = 'bench-app'
/** An external agent with an app, as suites/task-status makes its template. */
const MAIN_TF = `
resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
resource "coder_external_agent" "main" {
  agent_id = coder_agent.main.id
}
resource "coder_app" "task" {
  agent_id = coder_agent.main.id
  slug     = "${APP}"
}
`
const OWNER = { email: 'bench@scaletest.local', username: 'bench', password: 'bench-password-1' }

// ---------- child side ----------

type Role = { coderd: true } | { baseline: number }

async function serve(role: Role): Promise<string> {
  if ('coderd' in role) {
    const { startCoderdSimulator } = await import('@scaletest/mocks')
    const sim = await startCoderdSimulator({ firstUser: OWNER, notifyUserEvents: false, jobDurationMs: 10 })
    return sim.url
  }
  // The baseline: one SSE stream per id; `PATCH /status/<id>` writes a `data` event of the
  // simulator's workspace size carrying the message, then answers 200.
  const streams = new Map<string, ServerResponse>()
  const padding = 'x'.repeat(role.baseline)
  const server = createServer((req, res) => {
    const [, kind, id] = (req.url ?? '').split('/')
    if (kind === 'watch' && id) {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('event: ping\ndata: \n\n')
      streams.set(id, res)
      return
    }
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const { message } = JSON.parse(body) as { message: string }
      const event = JSON.stringify({ latest_app_status: { message }, padding })
      streams.get(id ?? '')?.write(`event: data\ndata: ${event}\n\n`)
      res.writeHead(200, { 'content-type': 'application/json' }).end('null')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

// ---------- load side ----------

function start(role: Role): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(import.meta.filename, ['--child'], { stdio: 'inherit' })
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve({ child, url: (reply as { url: string }).url }))
    child.send(role)
  })
}

interface Target {
  /** Opens workspace i's watch; `onEvent` gets each `data` event's JSON text. */
  watch(i: number, onEvent: (json: string) => void): Promise<void>
  report(i: number, message: string): Promise<void>
}

const dispatcher = new Agent({ connections: null, keepAliveTimeout: 60_000 })

/** Reads an SSE response, calling `onEvent` with every `data` event's payload. */
async function readSse(body: AsyncIterable<Uint8Array>, onEvent: (json: string) => void): Promise<void> {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const event = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      if (!event.startsWith('event: data')) continue
      const data = event.slice(event.indexOf('data: ') + 6)
      onEvent(data)
    }
  }
}

async function openStream(url: string, headers: Record<string, string>, onEvent: (json: string) => void) {
  const res = await fetch(url, { headers, dispatcher })
  if (res.status !== 200 || !res.body) throw new Error(`watch ${url}: ${res.status}`)
  void readSse(res.body, onEvent).catch(() => {})
}

async function patch(url: string, headers: Record<string, string>, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    dispatcher,
  })
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`report: ${res.status}`)
}

/** External-agent workspaces with the app on the simulator, their agent tokens, and the size of one watch event. */
async function simulatorTarget(url: string): Promise<{ target: Target; eventBytes: number }> {
  const { token, template } = await loginAndImportTemplate(url, OWNER, 'bench-tasks', MAIN_TF)
  const workspaces: { id: string; agentToken: string }[] = []
  for (let i = 0; i < WORKSPACES; i++) {
    const ws = await api(url, 'POST', '/api/v2/users/me/workspaces', token, {
      template_id: template.id,
      name: `bench-${i}`,
    })
    const credentials = `/api/v2/workspaces/${ws.id}/external-agent/main/credentials`
    // 404 until the build's job has completed, as in Coder.
    const agentToken = await until(
      () =>
        api(url, 'GET', credentials, token).then(
          (c) => c.agent_token as string,
          () => undefined,
        ),
      'external agent credentials',
    )
    workspaces.push({ id: ws.id, agentToken })
  }
  const first = await api(url, 'GET', `/api/v2/workspaces/${workspaces[0]!.id}`, token)
  const target: Target = {
    watch: (i, onEvent) =>
      openStream(
        `${url}/api/v2/workspaces/${workspaces[i]!.id}/watch`,
        { 'Coder-Session-Token': token },
        onEvent,
      ),
    report: (i, message) =>
      patch(
        `${url}/api/v2/workspaceagents/me/app-status`,
        { 'Coder-Session-Token': workspaces[i]!.agentToken },
        { app_slug: APP, state: 'working', message, uri: '', icon: '', needs_user_attention: false },
      ),
  }
  return { target, eventBytes: JSON.stringify(first).length }
}

function baselineTarget(url: string): Target {
  return {
    watch: (i, onEvent) => openStream(`${url}/watch/${i}`, {}, onEvent),
    report: (i, message) => patch(`${url}/status/${i}`, {}, { message }),
  }
}

/** Opens every watch, then a warm-up and ROUNDS bursts of one report per workspace; latency until its watch shows it. */
async function measure(target: Target) {
  const waiting = new Map<string, { sent: number; done: () => void }>()
  const latencies: number[] = []
  await Promise.all(
    Array.from({ length: WORKSPACES }, (_, i) =>
      target.watch(i, (json) => {
        const message = (JSON.parse(json) as { latest_app_status?: { message?: string } }).latest_app_status
          ?.message
        const entry = message === undefined ? undefined : waiting.get(message)
        if (!entry) return
        waiting.delete(message!)
        latencies.push(performance.now() - entry.sent)
        entry.done()
      }),
    ),
  )
  let errors = 0
  let started = 0
  // Round -1 warms up connections and JIT on both sides and is not counted.
  for (let round = -1; round < ROUNDS; round++) {
    if (round === 0) {
      latencies.length = 0
      errors = 0
      started = performance.now()
    }
    await Promise.all(
      Array.from({ length: WORKSPACES }, async (_, i) => {
        const message = `bench ${round} ${i}`
        const shown = new Promise<void>((done) => waiting.set(message, { sent: performance.now(), done }))
        try {
          await target.report(i, message)
          await shown
        } catch {
          waiting.delete(message)
          errors++
        }
      }),
    )
  }
  const elapsedS = (performance.now() - started) / 1000
  return { rate: latencies.length / elapsedS, latencies, errors }
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

async function main(): Promise<void> {
  const coderd = await start({ coderd: true })
  const children = [coderd.child]
  try {
    const setupStarted = performance.now()
    const sim = await simulatorTarget(coderd.url)
    const setupS = (performance.now() - setupStarted) / 1000
    const baseline = await start({ baseline: sim.eventBytes })
    children.push(baseline.child)
    console.log(
      `task-status: ${WORKSPACES} watched workspaces, ${ROUNDS} bursts of one app-status report each, ` +
        `watch event ${sim.eventBytes} B; setup ${setupS.toFixed(1)} s`,
    )
    const rows = [
      ['bare SSE baseline', await measure(baselineTarget(baseline.url))],
      ['coderd simulator', await measure(sim.target)],
    ] as const
    console.log('                     reports/s  p50       p99       max       errors')
    for (const [name, r] of rows)
      console.log(
        `${name.padEnd(20)} ${r.rate.toFixed(0).padStart(9)}  ${[50, 99, 100]
          .map((p) => `${pct(r.latencies, p).toFixed(1)} ms`.padEnd(9))
          .join(' ')} ${r.errors}`,
      )
    const [base, simulated] = [rows[0][1], rows[1][1]]
    console.log(
      `ratio simulator/baseline: reports/s ${(simulated.rate / base.rate).toFixed(2)}x, ` +
        `p50 ${(pct(simulated.latencies, 50) / pct(base.latencies, 50)).toFixed(2)}x, ` +
        `p99 ${(pct(simulated.latencies, 99) / pct(base.latencies, 99)).toFixed(2)}x`,
    )
  } finally {
    for (const child of children) child.kill()
    await dispatcher.destroy()
  }
}

// Last, so every const above is initialised before main() reads it.
if (process.send && process.argv[2] === '--child') {
  process.on('message', async (role: Role) => process.send!({ url: await serve(role) }))
  process.on('disconnect', () => process.exit(0))
} else {
  await main()
}
