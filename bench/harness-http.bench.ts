// The harness must not be the bottleneck (issue 13): 64 scaleTest runners in a closed loop (own
// client each, every latency observed in the recorder) against autocannon at 64 connections, on the
// same trivial node:http server in its own process, in the same run. Generator and server are pinned
// to a core each when taskset exists; both sides print the CPU time they spent per request, which a
// busy machine skews less than requests/s. A 2 s autocannon warm-up of the server comes first.
// HARNESS_HTTP_DURATION_MS (default 5000) and ROUNDS (default 2).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const here = import.meta.dirname
const root = join(here, '..')
const CONNECTIONS = 64
const durationMs = Number(process.env.HARNESS_HTTP_DURATION_MS ?? 5_000)
const rounds = Number(process.env.HARNESS_HTTP_ROUNDS ?? 2)
const WARMUP_MS = 2_000
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0
const pin = (core: number, argv: string[]) => (hasTaskset ? ['taskset', '-c', String(core), ...argv] : argv)

function run(argv: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} exited ${code}`)),
    )
  })
}

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    pin(1, [process.execPath, join(here, 'harness-http/server.ts')])[0]!,
    pin(1, [process.execPath, join(here, 'harness-http/server.ts')]).slice(1),
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(String(chunk).trim()))
    child.once('error', reject)
  })
  return { url: `http://127.0.0.1:${port}`, child }
}

interface Side {
  rps: number
  /** CPU time of the generating process per request over the measured window. */
  cpuMicrosPerRequest: number
  rss: number
  /** RSS before the runners were added (harness only). */
  rssBefore?: number
  failures: number
}

const sideEnv = (url: string, ms = durationMs) => ({
  HARNESS_HTTP_URL: url,
  HARNESS_HTTP_RUNNERS: String(CONNECTIONS),
  HARNESS_HTTP_DURATION_MS: String(ms),
})

/** A side that runs as a plain Node script printing { requests, seconds, cpuMicros, rss, errors }. */
async function script(name: string, url: string, ms = durationMs): Promise<Side> {
  const out = await run(pin(0, [process.execPath, join(here, 'harness-http', name)]), sideEnv(url, ms))
  const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    requests: number
    seconds: number
    cpuMicros: number
    rss: number
    errors: number
  }
  return {
    rps: r.requests / r.seconds,
    cpuMicrosPerRequest: r.cpuMicros / r.requests,
    rss: r.rss,
    failures: r.errors,
  }
}

async function harness(url: string, outDir: string): Promise<Side> {
  const out = join(outDir, 'harness.json')
  const vitest = join(root, 'node_modules/vitest/vitest.mjs')
  await run(
    pin(0, [
      process.execPath,
      vitest,
      'run',
      '--config',
      join(here, 'harness-http/vitest.config.ts'),
      '--silent',
    ]),
    {
      ...sideEnv(url),
      HARNESS_HTTP_OUT: out,
      SCALETEST_TIMEOUT: '0',
    },
  )
  const r = JSON.parse(readFileSync(out, 'utf8')) as {
    requests: number
    seconds: number
    rss: number
    rssBefore: number
    cpuMicros: number
    failures: number
  }
  return {
    rps: r.requests / r.seconds,
    cpuMicrosPerRequest: r.cpuMicros / r.requests,
    rss: r.rss,
    rssBefore: r.rssBefore,
    failures: r.failures,
  }
}

/** The middle value of a sorted list; the mean of the two middle ones for an even count. */
function median(sorted: number[]): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const { url, child } = await startServer()
const outDir = mkdtempSync(join(tmpdir(), 'harness-http-'))
try {
  console.log(
    `harness-http: ${CONNECTIONS} connections, ${durationMs / 1000}s per side, ${rounds} round(s), taskset ${hasTaskset ? 'generator core 0, server core 1' : 'unavailable'}`,
  )
  // Warm the server up first (JIT, socket buffers), so round 1 does not measure a cold target.
  const warm = await script('autocannon.ts', url, WARMUP_MS)
  console.log(`  warm-up: autocannon ${WARMUP_MS / 1000}s at ${warm.rps.toFixed(0)} req/s (not counted)`)
  const ratios: number[] = []
  const cpuRatios: number[] = []
  const overUndici: number[] = []
  const sides = {
    autocannon: () => script('autocannon.ts', url),
    undici: () => script('undici-loop.ts', url),
    harness: () => harness(url, outDir),
  }
  for (let round = 1; round <= rounds; round++) {
    // Rotate the order, so a load change on a shared machine does not favour one side.
    const order = (['autocannon', 'harness', 'undici'] as const).map(
      (_, i, all) => all[(i + round - 1) % all.length]!,
    )
    const seen: Partial<Record<keyof typeof sides, Side>> = {}
    for (const name of order) seen[name] = await sides[name]()
    const { autocannon: baseline, harness: ours, undici } = seen as Record<keyof typeof sides, Side>
    const mib = ours.rss / 2 ** 20
    ratios.push(ours.rps / baseline.rps)
    cpuRatios.push(ours.cpuMicrosPerRequest / baseline.cpuMicrosPerRequest)
    overUndici.push(ours.rps / undici.rps)
    const cpu = (s: Side) => `${s.cpuMicrosPerRequest.toFixed(1)} µs CPU/req`
    console.log(
      `  round ${round} (${order.join(', ')}): baseline autocannon ${baseline.rps.toFixed(0)} req/s (${cpu(baseline)}); ` +
        `scaleTest closed loop ${ours.rps.toFixed(0)} req/s (${cpu(ours)}) ratio ${(ours.rps / baseline.rps).toFixed(2)}x (goal >= 0.70x), ` +
        `CPU per request ${(ours.cpuMicrosPerRequest / baseline.cpuMicrosPerRequest).toFixed(2)}x baseline; ` +
        `plain undici request() loop ${undici.rps.toFixed(0)} req/s (${cpu(undici)}), scaleTest ${(ours.rps / undici.rps).toFixed(2)}x of it; ` +
        `RSS ${mib.toFixed(0)} MiB = ${(mib / CONNECTIONS).toFixed(2)} MiB per runner, ${((ours.rss - (ours.rssBefore ?? 0)) / 2 ** 10 / CONNECTIONS).toFixed(0)} KiB per runner added by the run (autocannon ${(baseline.rss / 2 ** 20).toFixed(0)} MiB, undici loop ${(undici.rss / 2 ** 20).toFixed(0)} MiB); ` +
        `failed runs ${ours.failures}`,
    )
  }
  const range = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b)
    return `median ${median(sorted).toFixed(2)}x, min ${sorted[0]!.toFixed(2)}x, max ${sorted.at(-1)!.toFixed(2)}x`
  }
  console.log(
    `  over ${rounds} round(s): ratio to autocannon ${range(ratios)}; CPU per request to autocannon's ${range(cpuRatios)}; to the plain undici loop ${range(overUndici)}`,
  )
} finally {
  child.stdin!.end()
  child.kill()
  rmSync(outDir, { recursive: true, force: true })
}
