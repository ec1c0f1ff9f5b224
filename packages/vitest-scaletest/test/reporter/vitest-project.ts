// Temporary Vitest projects for driving the reporter end to end, programmatically or as a CLI.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { Writable } from 'node:stream'

import { startVitest } from 'vitest/node'

import type { ScaletestReporterOptions } from '../../src/reporter/index.ts'
import { ScaletestReporter } from '../../src/reporter/index.ts'

const packageRoot = resolve(import.meta.dirname, '../..')
const repoRoot = resolve(packageRoot, '../..')
export const METRICS_MODULE = join(packageRoot, 'src/metrics/index.ts')
// Imported by name, as a user's config does: Node resolves it (to the sources here, through the
// @scaletest/source condition that .npmrc sets), not Vite's config bundler.
export const NODE_MODULE = '@scaletest/vitest/node'
export const WORKER_ENTRY = join(packageRoot, 'src/index.ts')
export const SAMPLES_MODULE = join(packageRoot, 'test/reporter/samples.ts')
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

export interface TempProject {
  dir: string
  path(...parts: string[]): string
  [Symbol.asyncDispose](): Promise<void>
}

/** A project dir inside the repo's node_modules/.cache so that `vitest` resolves from its files. */
export async function createProject(files: Record<string, string>): Promise<TempProject> {
  const base = join(repoRoot, 'node_modules/.cache/st-reporter-e2e')
  await mkdir(base, { recursive: true })
  const dir = await mkdtemp(join(base, 'run-'))
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true })
    await writeFile(join(dir, name), content)
  }
  return {
    dir,
    path: (...parts) => join(dir, ...parts),
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  }
}

/**
 * A scenario file: `tests` test cases, each recording `count` latency samples (seed + index) in
 * `notification_delivery_latency_seconds{notification_type}` plus a harness result, into task.meta.scaletest.
 */
export function scenarioFile(options: {
  seed: number
  count: number
  tests?: number
  missed?: number
}): string {
  return `import { test } from 'vitest'
import { MetricsRecorder } from ${JSON.stringify(METRICS_MODULE)}
import { latencySamples } from ${JSON.stringify(SAMPLES_MODULE)}

for (let t = 0; t < ${options.tests ?? 1}; t++) {
  test('deliveries ' + t, ({ task }) => {
    const recorder = new MetricsRecorder({ intervalMs: 1000 })
    const latency = recorder.histogram('notification_delivery_latency_seconds', { help: 'Time to deliver a notification.' })
    const samples = latencySamples(${options.count}, ${options.seed} + t).map((s) => s / 1000)
    samples.forEach((s, i) => latency.observe(s, { notification_type: i % 2 ? 'smtp' : 'websocket' }))
    recorder.counter('notification_delivery_missed_total', { help: 'Missed notifications.' }).inc({ notification_type: 'smtp' }, ${options.missed ?? 0})
    recorder.gauge('scaletest_fixture_worker_pid', { help: 'pid', merge: 'max' }).set(process.pid, { file: String(${options.seed}) })
    const now = new Date().toISOString()
    recorder.stopIntervals()
    task.meta.scaletest = {
      metrics: recorder.toJSON(),
      harness: [{ total_runs: 2, total_pass: 2, total_fail: 0, elapsed: '10ms', elapsed_ms: 10,
        runs: { ['notifications/' + t + '-a']: { started_at: now, duration_ms: 5 }, ['notifications/' + t + '-b']: { started_at: now, duration_ms: 10 } } }],
    }
  })
}
`
}

export function configFile(reporterOptions: ScaletestReporterOptions, extra = ''): string {
  return `import { defineConfig } from 'vitest/config'
import { ScaletestReporter } from ${JSON.stringify(NODE_MODULE)}

export default defineConfig({
  test: {
    reporters: ['default', ['junit', { outputFile: 'junit.xml' }], new ScaletestReporter(${JSON.stringify(reporterOptions)})],
    ${extra}
  },
})
`
}

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.text += chunk.toString()
    callback()
  }
}

/** Run Vitest in-process through startVitest with the reporter; process.exitCode is restored after. */
export async function runProgrammatic(
  project: TempProject,
  reporter: ScaletestReporterOptions,
  config: object = {},
) {
  const stdout = new Capture()
  const stderr = new Capture()
  const savedExitCode = process.exitCode
  const savedEnv = { ...process.env }
  let exitCode: string | number | undefined | null
  try {
    const vitest = await startVitest(
      [],
      {
        root: project.dir,
        watch: false,
        config: false,
        reporters: ['default', new ScaletestReporter(reporter)],
        ...config,
      },
      {},
      { stdout, stderr },
    )
    await vitest.close()
    exitCode = process.exitCode
  } finally {
    process.exitCode = savedExitCode
    process.env = savedEnv
  }
  return { stdout: stdout.text, stderr: stderr.text, exitCode: exitCode ?? 0 }
}

/** Run the Vitest CLI in a child process (Node 24 of this test); resolves with its exit status and output. */
export function runCli(
  project: TempProject,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 45_000,
) {
  const cleanEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && k !== 'NODE_ENV' && !k.startsWith('SCALETEST_'),
    ),
  )
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, [vitestBin, ...args], {
      cwd: project.dir,
      env: { ...cleanEnv, CI: '1', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`vitest ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('error', fail)
    child.on('close', (status) => {
      clearTimeout(timer)
      done({ status, stdout, stderr })
    })
  })
}
