// The run reaper: a small detached process that outlives the test run's main process. It reads
// commands on stdin from the global setup (`pid N`, `unpid N`, `containers`, `done`). When stdin
// closes without `done` (the main process died: SIGINT, SIGTERM, SIGKILL, a crash) it kills the
// mock processes it was told about and removes every container and network labelled with the run
// id. Ryuk does the same for testcontainers, but needs an image pull; this needs nothing.
//   usage: node run-reaper.ts RUN_ID
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

type RemoveRunResources = (runId: string) => Promise<unknown>

const KILL_GRACE_MS = 3_000
const SECOND_SWEEP_MS = 1_500

const runId = process.argv[2]
if (!runId) {
  console.error('usage: run-reaper.ts RUN_ID')
  process.exit(2)
}
const pids = new Set<number>()
let done = false
let removeResources: Promise<RemoveRunResources> | undefined

// A Ctrl-C in the terminal or a closed terminal must not stop the reaper before it has reaped.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => {})

async function loadDocker(): Promise<RemoveRunResources> {
  const { removeRunResources, runtimeClient } = await import('@scaletest/mocks/containers')
  await runtimeClient() // connect now so reaping starts at once
  return removeRunResources
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // An orphaned zombie still answers signal 0 until init reaps it; it is dead for us.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return true // no /proc: trust signal 0
  }
}

function signalAll(signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
    } catch {
      pids.delete(pid)
    }
  }
}

async function reap(): Promise<void> {
  signalAll('SIGTERM')
  const sweeps: Promise<unknown>[] = []
  if (removeResources) {
    const remove = await removeResources
    // A second sweep catches a container whose create was in flight when the main process died.
    sweeps.push(
      remove(runId!),
      new Promise((r) => setTimeout(r, SECOND_SWEEP_MS)).then(() => remove(runId!)),
    )
  }
  const deadline = Date.now() + KILL_GRACE_MS
  while ([...pids].some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  signalAll('SIGKILL')
  await Promise.allSettled(sweeps)
}

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/)
  if (command === 'pid') pids.add(Number(arg))
  else if (command === 'unpid') pids.delete(Number(arg))
  else if (command === 'containers') removeResources ??= loadDocker()
  else if (command === 'done') done = true
})
lines.on('close', () => {
  if (done) process.exit(0)
  reap().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
