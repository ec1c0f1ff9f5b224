// Runs one scenario file in its own Vitest process, as a CI pipeline does, so an end-to-end test
// can break the target, interrupt the run and read what it reported.
import { type ChildProcess, spawn } from 'node:child_process'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '../../..')

export interface ScenarioRun {
  child: ChildProcess
  /** Exit code and everything printed, stdout and stderr together. */
  exited: Promise<{ code: number | null; output: string }>
  /** SIGKILLs the run's process group if it is still running (for teardown). */
  kill(): Promise<void>
}

/** `file` is relative to the repository root; the suite's mock choice is not inherited. */
export function spawnScenario(file: string, env: NodeJS.ProcessEnv, args: string[] = []): ScenarioRun {
  return spawnVitest(['run', file, ...args], env)
}

/** `vitest <args>` from the repository root, e.g. `run --merge-reports <dir>`. */
export function spawnVitest(args: string[], env: NodeJS.ProcessEnv): ScenarioRun {
  const { SCALETEST_MOCKS: _m, SCALETEST_REQUIRE_DOCKER: _r, ...inherited } = process.env
  const child = spawn(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), ...args], {
    cwd: repoRoot,
    // Its own process group, so a test can signal it as a terminal would.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<{ code: number | null; output: string }>((resolvePromise, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, output }))
  })
  return {
    child,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
    },
  }
}
