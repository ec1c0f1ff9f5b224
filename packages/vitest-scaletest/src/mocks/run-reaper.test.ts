import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

import { isAlive } from '../../test/support/mock-processes.ts'
import { RunReaperClient } from './run-reaper-client.ts'

const alive = isAlive

async function waitUntil(check: () => boolean, boundMs: number): Promise<boolean> {
  const deadline = Date.now() + boundMs
  while (!check() && Date.now() < deadline) await sleep(50)
  return check()
}

// A stand-in for the Vitest main process: it starts a reaper and a long-lived child, registers
// the child, prints both pids, then waits to be killed.
const PARENT = `
  const { spawn } = await import('node:child_process')
  const { RunReaperClient } = await import(${JSON.stringify(fileURLToPath(new URL('./run-reaper-client.ts', import.meta.url)))})
  const reaper = new RunReaperClient('reaper-test')
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  reaper.watchPid(child.pid)
  console.log(JSON.stringify({ child: child.pid, reaper: reaper.pid }))
  setInterval(() => {}, 1000)
`

describe('run reaper', () => {
  it('kills the registered processes when its parent is SIGKILLed', { timeout: 20_000 }, async () => {
    const parent = spawn(process.execPath, ['--input-type=module', '-e', PARENT], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const line = await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d))))
    const { child, reaper } = JSON.parse(line) as { child: number; reaper: number }
    expect(alive(child)).toBe(true)

    parent.kill('SIGKILL')
    expect(await waitUntil(() => !alive(child), 10_000)).toBe(true)
    expect(await waitUntil(() => !alive(reaper), 5_000)).toBe(true)
  })

  it('leaves everything alone when dismissed after a normal teardown', { timeout: 20_000 }, async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    try {
      const reaper = new RunReaperClient('reaper-test-dismiss')
      reaper.watchPid(child.pid!)
      reaper.dismiss()
      expect(await waitUntil(() => !alive(reaper.pid!), 5_000)).toBe(true)
      expect(alive(child.pid!)).toBe(true)
    } finally {
      child.kill('SIGKILL')
    }
  })
})
