// SMTP mock benchmark, two parts, every server in its own child process reporting its own CPU
// time (the load generator here is CPU-bound on 2 cores, so server CPU is the fair measure):
//  1. ingestion: prebuilt Coder-format notification emails over 16 kept-open SMTP connections
//     (MAIL/RCPT/DATA pipelined) to the mock, to a bare smtp-server sink that only counts bytes,
//     and to maildev. Server CPU per accepted message and accepted messages/s.
//  2. lookups: GET /messages?email= from 128 concurrent pollers over one undici pool, with
//     100,000 messages stored (10,000 recipients x 10), against the mock (node:http API), the mock
//     serving its msw handlers, and a minimal Map-indexed lookup server. Lookups/s, p50/p99.
// Phases interleave over several rounds, in alternating order, so drift on a shared machine hits
// every server alike; ratios are given per round (median) and over all rounds.
//
//   npx node bench/smtp-mock.bench.ts            (also run by `npm run bench`)
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'

import * as hdr from 'hdr-histogram-js'
import { SMTPServer } from 'smtp-server'
import { Pool } from 'undici'

import { buildCoderEmail, dataPayload, parseMessage, RawSmtpClient, startSmtpMock } from '@scaletest/mocks'

const SMTP_ROUNDS = 4
const LOOKUP_ROUNDS = 3
const SMTP_CONNECTIONS = 16
const SMTP_WARMUP_MS = 400
const SMTP_MEASURE_MS = 2_000
const STORED = 100_000
const RECIPIENTS = 10_000
const POLLERS = 128
const LOOKUP_WARMUP_MS = 400
const LOOKUP_MEASURE_MS = 2_000
const TEMPLATE_ID = '29a09665-2a4c-403f-9648-54301670e7be'

const INGEST = ['sink', 'mock', 'maildev'] as const
const LOOKUP = ['map', 'mock-api', 'mock-msw'] as const
type Kind = (typeof INGEST)[number] | (typeof LOOKUP)[number]

const recipient = (i: number) => `user${i % RECIPIENTS}@scale.example.com`
const templateEmail = () =>
  buildCoderEmail({ to: '__TO__', subject: 'Template "tpl-__N__" deleted', templateId: TEMPLATE_ID })
const emailFor = (template: string, i: number) =>
  template.replaceAll('__TO__', recipient(i)).replaceAll('__N__', String(i))

// ---------- child side: one server per process ----------

async function serve(kind: Kind): Promise<{ smtpPort?: number; apiPort?: number }> {
  if (kind === 'sink') {
    const sink = new SMTPServer({
      logger: false,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      size: 10 * 1024 * 1024,
      onData(stream, _session, callback) {
        let bytes = 0
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length
        })
        stream.on('end', () => callback(null, `OK ${bytes}`))
      },
    })
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve))
    return { smtpPort: (sink.server.address() as AddressInfo).port }
  }
  if (kind === 'maildev') {
    const { MailDev } = await import('maildev')
    const maildev = new MailDev({ smtp: 0, ip: '127.0.0.1', disableWeb: true, silent: true })
    await maildev.start()
    const address = maildev.getServers()?.smtp.getAddress()
    if (!address) throw new Error('maildev did not report its SMTP address')
    return { smtpPort: address.port }
  }
  if (kind === 'map') return { apiPort: await serveMapBaseline() }
  const mock = await startSmtpMock({ serveWith: kind === 'mock-msw' ? 'msw' : 'node', log: () => {} })
  if (kind !== 'mock') {
    const template = templateEmail()
    for (let i = 0; i < STORED; i++)
      mock.mailbox.add([recipient(i)], parseMessage(Buffer.from(emailFor(template, i))))
  }
  return { smtpPort: mock.smtpPort, apiPort: Number(new URL(mock.apiUrl).port) }
}

/** The baseline: a Map from address to summaries, JSON.stringify per request, nothing else. */
async function serveMapBaseline(): Promise<number> {
  const byEmail = new Map<string, object[]>()
  const template = templateEmail()
  for (let i = 0; i < STORED; i++) {
    const parsed = parseMessage(Buffer.from(emailFor(template, i)))
    const summary = {
      subject: parsed.subject,
      date: parsed.date?.toISOString(),
      notification_template_id: parsed.templateId,
      message_id: parsed.messageId,
    }
    const list = byEmail.get(recipient(i))
    if (list) list.push(summary)
    else byEmail.set(recipient(i), [summary])
  }
  const server = createServer((req, res) => {
    const email = new URL(req.url ?? '/', 'http://x').searchParams.get('email') ?? ''
    const body = JSON.stringify(byEmail.get(email.toLowerCase()) ?? [])
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

// ---------- parent side: load generators ----------

interface Child {
  kind: Kind
  process: ChildProcess
  smtpPort?: number
  apiPort?: number
}

async function start(kind: Kind, env: NodeJS.ProcessEnv = process.env): Promise<Child> {
  const child = fork(import.meta.filename, ['--serve', kind], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env,
  })
  const ports = await new Promise<{ smtpPort?: number; apiPort?: number }>((resolve, reject) => {
    child.once('message', (m: { ready: { smtpPort?: number; apiPort?: number } }) => resolve(m.ready))
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)))
  })
  return { kind, process: child, ...ports }
}

function cpuMicros(child: Child): Promise<number> {
  return new Promise((resolve) => {
    child.process.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu.user + m.cpu.system))
    child.process.send({ cpu: true })
  })
}

interface Sample {
  count: number
  seconds: number
  cpuMicros: number
  histogram?: hdr.Histogram
}

async function measure(
  child: Child,
  [warmupMs, measureMs]: [number, number],
  load: (until: number, record: boolean) => Promise<number>,
): Promise<Sample> {
  await load(performance.now() + warmupMs, false)
  const cpuBefore = await cpuMicros(child)
  const startedAt = performance.now()
  const count = await load(startedAt + measureMs, true)
  const seconds = (performance.now() - startedAt) / 1000
  return { count, seconds, cpuMicros: (await cpuMicros(child)) - cpuBefore }
}

async function smtpLoad(port: number, payloads: Buffer[], until: number): Promise<number> {
  let accepted = 0
  let next = 0
  await Promise.all(
    Array.from({ length: SMTP_CONNECTIONS }, async () => {
      const client = await RawSmtpClient.connect(port)
      await client.reply()
      await client.command('EHLO bench')
      while (performance.now() < until) {
        const i = next++ % payloads.length
        client.write(`MAIL FROM:<coder@example.com>\r\nRCPT TO:<${recipient(i)}>\r\nDATA\r\n`)
        const replies = [await client.reply(), await client.reply(), await client.reply()]
        if (!replies[2]?.startsWith('354')) throw new Error(`unexpected replies ${replies.join(' | ')}`)
        client.write(payloads[i] as Buffer)
        const reply = await client.reply()
        if (!reply.startsWith('250')) throw new Error(`message refused: ${reply}`)
        accepted++
      }
      await client.command('QUIT')
      client.close()
    }),
  )
  return accepted
}

async function lookupLoad(pool: Pool, until: number, histogram: hdr.Histogram | undefined): Promise<number> {
  let done = 0
  let seed = 12345
  await Promise.all(
    Array.from({ length: POLLERS }, async () => {
      while (performance.now() < until) {
        seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff
        const email = encodeURIComponent(recipient(seed % RECIPIENTS))
        const sentAt = performance.now()
        const { statusCode, body } = await pool.request({ method: 'GET', path: `/messages?email=${email}` })
        const items = (await body.json()) as unknown[]
        if (statusCode !== 200 || items.length !== STORED / RECIPIENTS)
          throw new Error(`bad lookup: ${statusCode}, ${items.length} items`)
        histogram?.recordValue(Math.round((performance.now() - sentAt) * 1000))
        done++
      }
    }),
  )
  return done
}

function stop(children: Child[]) {
  for (const child of children) child.process.kill()
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits })

async function main() {
  const benchStart = performance.now()
  const maildevTmp = mkdtempSync(join(tmpdir(), 'smtp-bench-maildev-'))
  const template = templateEmail()
  const payloads = Array.from({ length: 2_000 }, (_, i) =>
    Buffer.from(dataPayload(emailFor(template, i)), 'latin1'),
  )
  console.log(
    `message size ${payloads[0]?.length} bytes, ${SMTP_CONNECTIONS} SMTP connections, ${SMTP_ROUNDS} rounds`,
  )

  const ingest: Record<string, Sample[]> = {}
  const ingestChildren = await Promise.all(
    INGEST.map((kind) =>
      start(kind, kind === 'maildev' ? { ...process.env, TMPDIR: maildevTmp } : process.env),
    ),
  )
  try {
    for (let round = 0; round < SMTP_ROUNDS; round++)
      for (const child of round % 2 ? [...ingestChildren].reverse() : ingestChildren) {
        const port = child.smtpPort as number
        const sample = await measure(child, [SMTP_WARMUP_MS, SMTP_MEASURE_MS], (until) =>
          smtpLoad(port, payloads, until),
        )
        ingest[child.kind] = [...(ingest[child.kind] ?? []), sample]
      }
  } finally {
    stop(ingestChildren)
  }

  const lookups: Record<string, Sample[]> = {}
  const lookupChildren = await Promise.all(LOOKUP.map((kind) => start(kind)))
  try {
    for (let round = 0; round < LOOKUP_ROUNDS; round++)
      for (const child of round % 2 ? [...lookupChildren].reverse() : lookupChildren) {
        const pool = new Pool(`http://127.0.0.1:${child.apiPort}`, { connections: 32 })
        const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000 })
        const sample = await measure(child, [LOOKUP_WARMUP_MS, LOOKUP_MEASURE_MS], (until, record) =>
          lookupLoad(pool, until, record ? histogram : undefined),
        )
        sample.histogram = histogram
        lookups[child.kind] = [...(lookups[child.kind] ?? []), sample]
        await pool.close()
      }
  } finally {
    stop(lookupChildren)
    rmSync(maildevTmp, { recursive: true, force: true })
  }
  report(ingest, lookups)
  console.log(
    `\n(${((performance.now() - benchStart) / 1000).toFixed(0)} s; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
  )
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function total(samples: Sample[] = []) {
  let count = 0
  let seconds = 0
  let cpu = 0
  for (const s of samples) {
    count += s.count
    seconds += s.seconds
    cpu += s.cpuMicros
  }
  return { count, seconds, cpu }
}

/** Per-round ratios of `metric` between two servers (they ran next to each other in each round). */
function roundRatios(a: Sample[] = [], b: Sample[] = [], metric: (s: Sample) => number): number[] {
  return a.map((s, i) => metric(s) / metric(b[i] as Sample))
}

function report(ingest: Record<string, Sample[]>, lookups: Record<string, Sample[]>) {
  const cpuPerMessage = (s: Sample) => s.cpuMicros / s.count
  const rate = (s: Sample) => s.count / s.seconds
  console.log('\ningestion: server CPU per accepted message and accepted messages/s (all rounds)')
  for (const kind of INGEST) {
    const t = total(ingest[kind])
    console.log(
      `  ${kind.padEnd(8)} ${fmt(t.cpu / t.count, 1).padStart(7)} µs CPU/msg  ${fmt(t.count / t.seconds).padStart(7)} msg/s  (${fmt(t.count)} messages)`,
    )
  }
  for (const kind of ['mock', 'maildev'] as const) {
    const perRound = roundRatios(ingest[kind], ingest.sink, cpuPerMessage)
    const all = total(ingest[kind])
    const sink = total(ingest.sink)
    const overall = all.cpu / all.count / (sink.cpu / sink.count)
    const goal = kind === 'mock' ? ` (goal <= 1.5x: ${median(perRound) <= 1.5 ? 'MET' : 'MISSED'})` : ''
    console.log(
      `  ${kind}/sink CPU per message: median ${median(perRound).toFixed(2)}x, overall ${overall.toFixed(2)}x, rounds ${perRound.map((r) => r.toFixed(2)).join(' ')}${goal}`,
    )
  }

  console.log(
    `\nlookups at ${fmt(STORED)} stored messages, ${POLLERS} concurrent pollers over one pool (all rounds)`,
  )
  for (const kind of LOOKUP) {
    const samples = lookups[kind] ?? []
    const t = total(samples)
    const merged = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000 })
    for (const s of samples) if (s.histogram) merged.add(s.histogram)
    const p = (q: number) => fmt(merged.getValueAtPercentile(q) / 1000, 2)
    console.log(
      `  ${kind.padEnd(8)} ${fmt(t.count / t.seconds).padStart(7)} lookups/s  p50 ${p(50)} ms  p99 ${p(99)} ms  ${fmt(t.cpu / t.count, 1)} µs server CPU/lookup`,
    )
  }
  for (const kind of ['mock-api', 'mock-msw'] as const) {
    const perRound = roundRatios(lookups[kind], lookups.map, rate)
    const t = total(lookups[kind])
    const base = total(lookups.map)
    const overall = t.count / t.seconds / (base.count / base.seconds)
    const goal = kind === 'mock-api' ? ` (goal >= 0.8x: ${median(perRound) >= 0.8 ? 'MET' : 'MISSED'})` : ''
    console.log(
      `  ${kind}/map lookups/s: median ${median(perRound).toFixed(2)}x, overall ${overall.toFixed(2)}x, rounds ${perRound.map((r) => r.toFixed(2)).join(' ')}${goal}`,
    )
  }
}

if (process.send && process.argv[2] === '--serve') {
  const ports = await serve(process.argv[3] as Kind)
  process.on('message', (message: { cpu?: true }) => {
    if (message.cpu) process.send?.({ cpu: process.cpuUsage() })
  })
  process.send({ ready: ports })
} else {
  await main()
}
