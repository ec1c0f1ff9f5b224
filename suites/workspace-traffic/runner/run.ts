// One workspace-traffic runner per targeted workspace (Coder: scaletest/workspacetraffic/run.go).
// It opens a reconnecting PTY on the first agent running `dd if=/dev/stdin of=/dev/null bs=N
// status=none`, writes N-1 random printable characters and a newline every tick for the
// duration, and drains what comes back (the terminal's echo). At the deadline it sends Ctrl-C
// and waits for the session to close. No cleanup: the workspaces are not the runner's.

import { randomBytes } from 'node:crypto'

import type { CoderClient, ReconnectingPty, Runner } from '@scaletest/vitest'
import type { RunTrafficMetrics } from './metrics.ts'
import { ticks } from './ticker.ts'

/** Coder's allowedChars: printable ASCII without most control characters. */
const ALLOWED =
  '\t !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}'
/** How long a closing session may take before the run fails (Coder: waitCloseTimeout). */
const CLOSE_GRACE_MS = 30_000

export interface TrafficRunnerConfig {
  agentId: string
  bytesPerTick: number
  tickIntervalMs: number
  durationMs: number
}

export interface TrafficTotals {
  total_bytes_read: number
  total_bytes_written: number
  ticks: number
  late_ticks: number
  /** Ticks whose echo had not come back when the session closed. */
  unanswered_ticks: number
}

export function randomLine(bytes: number): string {
  let out = ''
  for (const b of randomBytes(bytes - 1)) out += ALLOWED[b % ALLOWED.length]
  return `${out}\n`
}

export function trafficRunner(
  config: TrafficRunnerConfig,
  deps: { owner: CoderClient; sessionToken: string; metrics: RunTrafficMetrics },
) {
  const { metrics } = deps
  const totals: TrafficTotals = {
    total_bytes_read: 0,
    total_bytes_written: 0,
    ticks: 0,
    late_ticks: 0,
    unanswered_ticks: 0,
  }

  return {
    async run({ signal, log, http }) {
      // Its own connections (Coder: DupClientCopyingHeaders per runner).
      await using coder = deps.owner.withSessionToken(deps.sessionToken, { dispatcher: http().dispatcher })
      const command = `dd if=/dev/stdin of=/dev/null bs=${config.bytesPerTick} status=none`
      let pty: ReconnectingPty
      try {
        pty = await coder.reconnectingPty(config.agentId, { command, width: 80, height: 25, signal })
      } catch (error) {
        metrics.readError()
        throw new Error(`connect to workspace via reconnectingpty: ${(error as Error).message}`, {
          cause: error,
        })
      }
      log(
        `reconnecting PTY ${pty.reconnect} open; ${config.bytesPerTick} bytes every ${config.tickIntervalMs}ms`,
      )

      // Every tick's bytes come back as the terminal's echo, its newline as \r\n.
      const echoPerTick = config.bytesPerTick + 1
      const waiting: { target: number; due: number }[] = []
      let expected = 0
      pty.onData((chunk) => {
        metrics.read(chunk.length)
        totals.total_bytes_read += chunk.length
        const now = performance.now()
        while (waiting.length > 0 && waiting[0]!.target <= totals.total_bytes_read)
          metrics.readLatency(Math.max(0, now - waiting.shift()!.due) / 1000)
      })
      let closedEarly = false
      void pty.closed.then(() => {
        closedEarly = true
      })

      try {
        for await (const tick of ticks(config.tickIntervalMs, config.durationMs, signal)) {
          if (closedEarly) throw new Error('the PTY closed before the deadline')
          totals.ticks++
          if (tick.late) totals.late_ticks++
          const line = randomLine(config.bytesPerTick)
          expected += echoPerTick
          waiting.push({ target: expected, due: tick.due })
          try {
            await pty.write(line)
          } catch (error) {
            metrics.writeError()
            throw new Error(`write to agent: ${(error as Error).message}`, { cause: error })
          }
          metrics.written(line.length)
          totals.total_bytes_written += line.length
          metrics.writeLatency(Math.max(0, performance.now() - tick.due) / 1000)
        }
      } finally {
        await closePty(pty, log)
        totals.unanswered_ticks = waiting.length
      }
    },

    metrics: () => ({ ...totals }),
  } satisfies Runner
}

/** Ctrl-C ends dd and with it the session; close ourselves if it does not within the grace. */
async function closePty(pty: ReconnectingPty, log: (message: string) => void): Promise<void> {
  if (pty.open) await pty.write('\x03').catch(() => {})
  let timer: NodeJS.Timeout | undefined
  const closed = await Promise.race([
    pty.closed.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS)
    }),
  ])
  clearTimeout(timer)
  if (!closed) log('warn: the PTY did not close after Ctrl-C; closing it')
  await pty.close()
  log(`PTY closed; ${pty.bytesRead} bytes read, ${pty.bytesWritten} bytes of frames written`)
}
