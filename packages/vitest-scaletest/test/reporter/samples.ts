// Deterministic latency samples and the exact quantiles tests compare HDR results against.

/** Log-uniform pseudo-random seconds between 1 µs and 1 h (mulberry32, so runs are repeatable). */
export function latencySamples(count: number, seed: number): number[] {
  let state = seed >>> 0
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const low = Math.log(1e-6)
  const high = Math.log(3600)
  return Array.from({ length: count }, () => Math.exp(low + random() * (high - low)))
}

/** Nearest-rank quantile as HdrHistogram defines it: rank max(1, round(p/100 * n)). */
export function rawPercentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.max(1, Math.floor((p / 100) * sorted.length + 0.5))
  return sorted[Math.min(rank, sorted.length) - 1]!
}

/** HDR precision: 3 significant digits (relative 1/1024 bucket width) plus half a 1 µs unit. */
export function withinHdrPrecision(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= expected / 1024 + 0.5e-6 + 1e-12
}
