// One workspace-traffic runner per targeted workspace (Coder: scaletest/workspacetraffic/run.go).
// It opens its connection (conn.ts: a reconnecting PTY on the first agent, or a WebSocket to the
// workspace app), writes N-1 random printable characters and a newline every tick for the
// duration, and drains what comes back (the echo). At the deadline it ends the connection as
// Coder does. No cleanup: the workspaces are not the runner's.

import { randomBytes } from 'node:crypto'

import { type CoderClient, Latch, type Runner } from '@scaletest/vitest'
import { connectTraffic, type TrafficConn, type TrafficTarget } from './conn.ts'
import type { RunTrafficMetrics } from './metrics.ts'
import { ticks } from './ticker.ts'

/** Coder's allowedChars: printable ASCII without most control characters. */
const ALLOWED =
  '\t !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}'

/** How long the runner waits for outstanding echo at the deadline before ending the connection. */
const DRAIN_MS = 5_000

export interface TrafficRunnerConfig {
  target: TrafficTarget
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
      let conn: TrafficConn
      try {
        conn = await connectTraffic(coder, config.target, config.bytesPerTick, signal)
      } catch (error) {
        metrics.readError()
        throw error
      }
      log(`${conn.description} open; ${config.bytesPerTick} bytes every ${config.tickIntervalMs}ms`)

      const echoPerTick = conn.echoOf(config.bytesPerTick)
      const waiting: { target: number; due: number }[] = []
      let expected = 0
      let writing = true
      /** Set once the last write's echo is back, or the connection closed. */
      const drained = new Latch<void>({ name: 'echo drain' })
      conn.onData((chunk) => {
        metrics.read(chunk.length)
        totals.total_bytes_read += chunk.length
        const now = performance.now()
        while (waiting.length > 0 && waiting[0]!.target <= totals.total_bytes_read)
          metrics.readLatency(Math.max(0, now - waiting.shift()!.due) / 1000)
        if (waiting.length === 0 && !writing) drained.set()
      })
      let closedEarly = false
      void conn.closed.then(() => {
        closedEarly = true
        drained.set()
      })

      try {
        for await (const tick of ticks(config.tickIntervalMs, config.durationMs, signal)) {
          if (closedEarly) throw new Error(`the ${conn.description} closed before the deadline`)
          totals.ticks++
          if (tick.late) totals.late_ticks++
          const line = randomLine(config.bytesPerTick)
          expected += echoPerTick
          waiting.push({ target: expected, due: tick.due })
          try {
            await conn.write(line)
          } catch (error) {
            metrics.writeError()
            throw new Error(`write to agent: ${(error as Error).message}`, { cause: error })
          }
          metrics.written(line.length)
          totals.total_bytes_written += line.length
          metrics.writeLatency(Math.max(0, performance.now() - tick.due) / 1000)
        }
      } finally {
        // The last ticks' echo is still in flight at the deadline: let it come back before ending
        // (giving up after DRAIN_MS).
        writing = false
        if (waiting.length > 0 && !closedEarly && !signal.aborted)
          await drained.wait({ timeoutMs: DRAIN_MS }).catch(() => {})
        await conn.end(log)
        totals.unanswered_ticks = waiting.length
      }
    },

    metrics: () => ({ ...totals }),
  } satisfies Runner
}
