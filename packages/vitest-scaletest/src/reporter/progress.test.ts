import { Writable } from 'node:stream'

import { describe, expect, it, vi } from 'vitest'

import { Progress } from './progress.ts'

function stream(isTTY: boolean) {
  const chunks: string[] = []
  const s = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString())
      done()
    },
  }) as Writable & { isTTY?: boolean }
  s.isTTY = isTTY
  return { s, chunks }
}

describe('Progress', () => {
  it('prints a plain line per interval when the output is a log', () => {
    vi.useFakeTimers()
    try {
      let now = 0
      const { s, chunks } = stream(false)
      const status = { runsStarted: 0, runsPassed: 0, runsFailed: 0 }
      const progress = new Progress({
        stream: s,
        live: s.isTTY === true,
        intervalMs: 10_000,
        now: () => now,
        status: () => status,
      })
      progress.start()
      progress.counts.started = 5
      progress.counts.passed = 3
      progress.counts.failed = 1
      Object.assign(status, {
        runsStarted: 40,
        runsPassed: 30,
        runsFailed: 2,
        latency: { metric: 'latency_seconds', p99: 1.23456, windowSeconds: 10 },
      })
      now = 20_000
      vi.advanceTimersByTime(20_000)
      progress.stop()
      expect(chunks).toHaveLength(2)
      expect(chunks[1]).toBe(
        'scaletest progress: tests started 5, passed 3, failed 1, runs started 40, passed 30, failed 2, p99 latency_seconds 1.235 (last 10s), 0.20 tests/s, elapsed 20s\n',
      )
    } finally {
      vi.useRealTimers()
    }
  })

  it('rewrites one live line on a terminal and ends it with a newline', () => {
    vi.useFakeTimers()
    try {
      let now = 0
      const { s, chunks } = stream(true)
      const progress = new Progress({ stream: s, live: s.isTTY === true, intervalMs: 10_000, now: () => now })
      progress.start()
      now = 61_000
      vi.advanceTimersByTime(3_000)
      progress.stop()
      expect(chunks).toHaveLength(4)
      expect(chunks.slice(0, 3).every((c) => c.startsWith('\r\x1b[2K') && !c.endsWith('\n'))).toBe(true)
      expect(chunks[3]!.startsWith('\r\x1b[2Kscaletest progress: ')).toBe(true)
      expect(chunks[3]!.endsWith('elapsed 1m01s\n')).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })
})
