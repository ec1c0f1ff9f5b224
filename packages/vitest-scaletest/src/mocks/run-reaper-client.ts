import { type ChildProcess, spawn } from 'node:child_process'

import { siblingModule } from '../module-path.ts'

const REAPER_SCRIPT = siblingModule(import.meta.url, 'run-reaper')

/**
 * The main-process side of run-reaper.ts: tells the reaper what to clean up if this process dies
 * before its teardown, and dismisses it after a normal teardown.
 */
export class RunReaperClient {
  readonly #child: ChildProcess

  constructor(runId: string) {
    // Detached: its own process group, so the terminal's Ctrl-C reaches Vitest but not the reaper.
    this.#child = spawn(process.execPath, [REAPER_SCRIPT, runId], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    })
    this.#child.stdin?.on('error', () => {}) // the reaper gone early is not this process's problem
    this.#child.unref()
    ;(this.#child.stdin as { unref?: () => void } | null)?.unref?.()
  }

  get pid(): number | undefined {
    return this.#child.pid
  }

  watchPid(pid: number): void {
    this.#send(`pid ${pid}`)
  }

  forgetPid(pid: number): void {
    this.#send(`unpid ${pid}`)
  }

  watchContainers(): void {
    this.#send('containers')
  }

  /** Normal teardown finished: the reaper exits without touching anything. */
  dismiss(): void {
    this.#send('done')
    this.#child.stdin?.end()
  }

  #send(line: string): void {
    if (this.#child.stdin?.writable) this.#child.stdin.write(`${line}\n`)
  }
}
