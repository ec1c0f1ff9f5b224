// The harness must not be the bottleneck (issue 13): 64 scaleTest runners in a closed loop (own
// client each, every latency observed in the recorder) against autocannon at 64 connections, on the
// same trivial node:http server in its own process, in the same run. Generator and server are pinned
// to a core each when taskset exists. HARNESS_HTTP_DURATION_MS (default 5000) and ROUNDS (default 2).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const here = import.meta.dirname
const root = join(here, '..')
const CONNECTIONS = 64
const durationMs = Number(process.env.HARNESS_HTTP_DURATION_MS ?? 5_000)
const rounds = Number(process.env.HARNESS_HTTP_ROUNDS ?? 2)
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

async function autocannon(url: string): Promise<number> {
  const bin = join(root, 'node_modules/autocannon/autocannon.js')
  const argv = [
    process.execPath,
    bin,
    '-c',
    String(CONNECTIONS),
    '-d',
    String(durationMs / 1000),
    '-j',
    '-W',
    '[',
    '-d',
    '1',
    ']',
    url,
  ]
  const out = await run(pin(0, argv))
  const last = out.trim().split('\n').at(-1) ?? '{}' // after warm-up, the measured run's JSON
  const json = JSON.parse(last) as { requests: { total: number }; duration: number }
  return json.requests.total / (durationMs / 1000)
}

async function harness(url: string, outDir: string): Promise<{ rps: number; rss: number; failures: number }> {
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
      HARNESS_HTTP_URL: url,
      HARNESS_HTTP_RUNNERS: String(CONNECTIONS),
      HARNESS_HTTP_DURATION_MS: String(durationMs),
      HARNESS_HTTP_OUT: out,
      SCALETEST_TIMEOUT: '0',
    },
  )
  const r = JSON.parse(readFileSync(out, 'utf8')) as {
    requests: number
    seconds: number
    rss: number
    failures: number
  }
  return { rps: r.requests / r.seconds, rss: r.rss, failures: r.failures }
}

const { url, child } = await startServer()
const outDir = mkdtempSync(join(tmpdir(), 'harness-http-'))
try {
  console.log(
    `harness-http: ${CONNECTIONS} connections, ${durationMs / 1000}s per side, ${rounds} round(s), taskset ${hasTaskset ? 'generator core 0, server core 1' : 'unavailable'}`,
  )
  for (let round = 1; round <= rounds; round++) {
    const baseline = await autocannon(url)
    const ours = await harness(url, outDir)
    const mib = ours.rss / 2 ** 20
    console.log(
      `  round ${round}: baseline autocannon ${baseline.toFixed(0)} req/s; scaleTest closed loop ${ours.rps.toFixed(0)} req/s ` +
        `ratio ${(ours.rps / baseline).toFixed(2)}x (goal >= 0.70x); RSS ${mib.toFixed(0)} MiB = ${(mib / CONNECTIONS).toFixed(2)} MiB per runner; failed runs ${ours.failures}`,
    )
  }
} finally {
  child.stdin!.end()
  child.kill()
  rmSync(outDir, { recursive: true, force: true })
}
