// The closed loop of bench/harness-http.bench.ts inside Vitest: RUNNERS scaleTest runners, each with
// its own client (own connections), looping GET / and observing each latency in the
// recorder. Writes what it measured to HARNESS_HTTP_OUT as JSON.
import { writeFileSync } from 'node:fs'

import { concurrent, scaleTest } from '@scaletest/vitest'

const url = process.env.HARNESS_HTTP_URL ?? ''
const runners = Number(process.env.HARNESS_HTTP_RUNNERS ?? 64)
const durationMs = Number(process.env.HARNESS_HTTP_DURATION_MS ?? 5_000)
const warmupMs = 1_000

scaleTest('closed loop: per-runner clients, latencies in the recorder', async ({ harness, metrics }) => {
  const latency = metrics.histogram('bench_request_latency_seconds')
  const requests = metrics.counter('bench_requests_total')
  const labels = { route: '/' }
  const rssBefore = process.memoryUsage().rss
  let measuring = false
  const start = performance.now()
  const warmEnd = start + warmupMs
  const end = warmEnd + durationMs
  let measured = 0
  let cpuAtWarmEnd: NodeJS.CpuUsage | undefined
  let cpuAtEnd: NodeJS.CpuUsage | undefined
  for (let i = 0; i < runners; i++) {
    harness.add('closed-loop', i, {
      async run(ctx) {
        for (;;) {
          const t0 = performance.now()
          if (t0 >= end) return
          const res = await ctx.http({ baseUrl: url }).request('/')
          await res.body.dump()
          const t1 = performance.now()
          latency.observe((t1 - t0) / 1000, labels)
          requests.inc(labels)
          if (t1 >= warmEnd) {
            if (!measuring) {
              measuring = true
              cpuAtWarmEnd = process.cpuUsage()
            }
            if (t1 < end) measured++
            else cpuAtEnd ??= process.cpuUsage(cpuAtWarmEnd)
          }
        }
      },
    })
  }
  const results = await harness.run(concurrent())
  const rss = process.memoryUsage().rss
  writeFileSync(
    process.env.HARNESS_HTTP_OUT ?? '/dev/null',
    JSON.stringify({
      requests: measured,
      seconds: durationMs / 1000,
      rss,
      rssBefore,
      cpuMicros: cpuAtEnd === undefined ? 0 : cpuAtEnd.user + cpuAtEnd.system,
      failures: results.total_fail,
      observed: latency.stats().count,
    }),
  )
})
