// Cost of one MetricsRecorder observation (HDR histogram with labels, a bound child, a counter)
// next to the cheapest way to keep a sample: pushing it onto a plain array. Same run, same values.
// Prints process CPU time per operation (what a busy, shared machine skews least) and wall time.
import { MetricsRecorder } from '@scaletest/vitest/node'

const N = 2_000_000
const ROUNDS = 5
const values = Float64Array.from({ length: 4096 }, (_, i) => ((i * 7919) % 4096) / 409.6 + 0.001)
const labels = [{ notification_type: 'smtp' }, { notification_type: 'websocket' }]

interface Cost {
  cpu: number
  wall: number
}

function time(run: () => unknown): Cost {
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  run()
  const wall = Number(process.hrtime.bigint() - start) / N
  const used = process.cpuUsage(cpu)
  return { cpu: ((used.user + used.system) * 1000) / N, wall }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const cases: Record<string, () => unknown> = {
  'baseline: array.push(value)': () => {
    const samples: number[] = []
    for (let i = 0; i < N; i++) samples.push(values[i & 4095]!)
    return samples.length
  },
  'histogram.observe(value, labels)': () => {
    const h = new MetricsRecorder().histogram('bench_latency_seconds')
    for (let i = 0; i < N; i++) h.observe(values[i & 4095]!, labels[i & 1])
    return h
  },
  'histogram.labels(...).observe(value)': () => {
    const child = new MetricsRecorder().histogram('bench_latency_seconds').labels(labels[0])
    for (let i = 0; i < N; i++) child.observe(values[i & 4095]!)
    return child
  },
  'counter.inc(labels)': () => {
    const c = new MetricsRecorder().counter('bench_errors_total')
    for (let i = 0; i < N; i++) c.inc(labels[i & 1])
    return c
  },
}

const results = new Map<string, Cost[]>()
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const list = results.get(name) ?? []
    list.push(time(run))
    results.set(name, list)
  }
}

const baselineList = results.get('baseline: array.push(value)')!
const baseline = median(baselineList.map((c) => c.cpu))
console.log(
  `metrics recorder: ${N} observations per case, median of ${ROUNDS} rounds; goal <= 100 ns per observation`,
)
for (const [name, list] of results) {
  const ns = median(list.map((c) => c.cpu))
  const wall = median(list.map((c) => c.wall))
  console.log(
    `  ${name.padEnd(40)} ${ns.toFixed(1).padStart(7)} ns/op CPU (${wall.toFixed(1)} ns/op wall)  ratio ${(ns / baseline).toFixed(2)}x baseline`,
  )
}
