import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const VITEST = fileURLToPath(new URL('../../../../node_modules/vitest/vitest.mjs', import.meta.url))
export const MOCKS_RUN_CONFIG = fileURLToPath(
  new URL('../fixtures/mocks-run/vitest.config.ts', import.meta.url),
)

export interface VitestRun {
  child: ChildProcess
  /** Everything printed so far, stdout and stderr together. */
  output(): string
  /** Resolves when a line matching `pattern` has been printed; rejects if the run ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Runs `vitest run` on a fixture config in a child process (Node 24, no color, no inherited Vitest state). */
export function runVitest(config: string, env: NodeJS.ProcessEnv): VitestRun {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')))
  const child = spawn(process.execPath, [VITEST, 'run', '--config', config], {
    env: { ...base, NODE_ENV: '', NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  const listeners = new Set<() => void>()
  for (const stream of [child.stdout, child.stderr]) {
    stream!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk
      for (const listener of listeners) listener()
    })
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text)
          if (!match) return
          done()
          resolve(match[0])
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${text}`))
        }, timeoutMs)
        const ended = () => {
          done()
          reject(new Error(`vitest ended before printing ${pattern}; output:\n${text}`))
        }
        const done = () => {
          clearTimeout(timer)
          listeners.delete(check)
          child.off('close', ended)
        }
        listeners.add(check)
        child.once('close', ended)
        check()
        if (child.exitCode !== null || child.signalCode !== null) ended()
      })
    },
  }
}
