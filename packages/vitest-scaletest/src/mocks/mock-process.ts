import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

import { mocksCliPath } from '@scaletest/mocks'
import { MocksError } from './mocks-error.ts'

const START_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 5_000
const OUTPUT_TAIL_LINES = 40

export interface MockProcess {
  readonly pid: number
  /** Values captured from the listen lines, by pattern name. */
  readonly matches: Record<string, RegExpExecArray>
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited. */
  stop(): Promise<void>
  /** For signal handlers: kill at once, synchronously. */
  killNow(): void
}

export interface MockProcessOptions {
  /** Listen lines to wait for, by name; the process is ready when each has printed. */
  ready: Record<string, RegExp>
  env?: NodeJS.ProcessEnv
  startTimeoutMs?: number
  /** Called as soon as the process exists, before it is ready (to register it for cleanup). */
  onSpawn?: (pid: number) => void
}

/** Starts `scaletest-mocks <command> ...args` as a child of this process and waits for its listen lines. */
export async function startMockProcess(
  command: string,
  args: string[],
  options: MockProcessOptions,
): Promise<MockProcess> {
  const child = spawn(process.execPath, [mocksCliPath, command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  })
  if (child.pid !== undefined) options.onSpawn?.(child.pid)
  const tail: string[] = []
  const matches: Record<string, RegExpExecArray> = {}
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // Output is read until the process ends so a chatty mock never blocks on a full pipe.
  const ready = new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        tail.push(line)
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift()
        for (const [name, pattern] of Object.entries(options.ready)) {
          const match = matches[name] ? null : pattern.exec(line)
          if (match) matches[name] = match
        }
        if (Object.keys(options.ready).every((name) => matches[name])) resolve()
      })
    }
    child.once('error', (error) => reject(startError(command, `could not spawn: ${error.message}`, tail)))
    child.once('exit', (code, signal) =>
      reject(startError(command, `exited (${signal ?? `code ${code}`}) before it was ready`, tail)),
    )
  })
  const timeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(startError(command, `printed no listen line within ${timeoutMs / 1000}s`, tail)),
      timeoutMs,
    )
  })
  const handle = mockProcess(child, matches, exited)
  try {
    await Promise.race([ready, timeout])
  } catch (error) {
    await handle.stop()
    throw error
  } finally {
    clearTimeout(timer)
  }
  return handle
}

function mockProcess(
  child: ChildProcess,
  matches: Record<string, RegExpExecArray>,
  exited: Promise<void>,
): MockProcess {
  const running = () => child.exitCode === null && child.signalCode === null
  return {
    pid: child.pid ?? -1,
    matches,
    async stop() {
      if (!running()) return
      child.kill('SIGTERM')
      const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
      await exited
      clearTimeout(grace)
    },
    killNow() {
      if (running()) child.kill('SIGKILL')
    },
  }
}

function startError(command: string, what: string, tail: string[]): MocksError {
  const output =
    tail.length > 0 ? `\n--- last output of scaletest-mocks ${command} ---\n${tail.join('\n')}` : ''
  return new MocksError('SCALETEST_MOCK_START_FAILED', `scaletest-mocks ${command} ${what}${output}`)
}
