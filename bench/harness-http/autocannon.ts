// The baseline of bench/harness-http.bench.ts: autocannon at CONNECTIONS connections for DURATION_MS
// after a 1 s warm-up, in this process, so its CPU time is measured like the harness's. Prints JSON.
import autocannon from 'autocannon'

const url = process.env.HARNESS_HTTP_URL ?? ''
const connections = Number(process.env.HARNESS_HTTP_RUNNERS ?? 64)
const durationMs = Number(process.env.HARNESS_HTTP_DURATION_MS ?? 5_000)

await autocannon({ url, connections, duration: 1 })
const cpu = process.cpuUsage()
const result = await autocannon({ url, connections, duration: durationMs / 1000 })
const used = process.cpuUsage(cpu)
console.log(
  JSON.stringify({
    requests: result.requests.total,
    seconds: durationMs / 1000,
    cpuMicros: used.user + used.system,
    rss: process.memoryUsage().rss,
    errors: result.errors + result.non2xx,
  }),
)
