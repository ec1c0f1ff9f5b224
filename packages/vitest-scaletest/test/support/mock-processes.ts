import { readdirSync, readFileSync } from 'node:fs'

/** Pids of the `scaletest-mocks` CLI processes whose parent is `parentPid` (Linux /proc). */
export function mockCliChildren(parentPid: number): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1])
      if (ppid === parentPid && cmdline.some((arg) => arg.endsWith('packages/mocks/src/cli.ts')))
        pids.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return pids
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    // A zombie still answers signal 0; it is dead for our purposes.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}
