// A reference side of bench/harness-http.bench.ts: the same closed loop with undici's own request()
// in plain Node (one Agent per connection, request + dump, nothing recorded), so the bench shows what
// the harness costs next to the usual way of writing it. Same env and JSON as autocannon.ts.
import { Agent, request } from 'undici'

const url = process.env.HARNESS_HTTP_URL ?? ''
const connections = Number(process.env.HARNESS_HTTP_RUNNERS ?? 64)
const durationMs = Number(process.env.HARNESS_HTTP_DURATION_MS ?? 5_000)
const warmEnd = performance.now() + 1_000
const end = warmEnd + durationMs
let requests = 0
let errors = 0
let cpuAtWarmEnd: NodeJS.CpuUsage | undefined
let cpuAtEnd: NodeJS.CpuUsage | undefined

await Promise.all(
  Array.from({ length: connections }, async () => {
    const agent = new Agent()
    for (;;) {
      const t0 = performance.now()
      if (t0 >= end) break
      try {
        const res = await request(url, { dispatcher: agent })
        await res.body.dump()
      } catch {
        errors++
      }
      const t1 = performance.now()
      if (t1 >= warmEnd) {
        cpuAtWarmEnd ??= process.cpuUsage()
        if (t1 < end) requests++
        else cpuAtEnd ??= process.cpuUsage(cpuAtWarmEnd)
      }
    }
    await agent.close()
  }),
)
console.log(
  JSON.stringify({
    requests,
    seconds: durationMs / 1000,
    cpuMicros: cpuAtEnd === undefined ? 0 : cpuAtEnd.user + cpuAtEnd.system,
    rss: process.memoryUsage().rss,
    errors,
  }),
)
