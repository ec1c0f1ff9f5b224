// Bucket layouts as Coder's Go code builds them with client_golang, so exported histograms carry
// the same `le` values as Coder's own.

/** prometheus.DefBuckets: what a HistogramOpts without Buckets gets. */
export const PROMETHEUS_DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
])

/** prometheus.ExponentialBucketsRange: `count` buckets from `min` to `max`, each a constant factor apart. */
export function exponentialBucketsRange(min: number, max: number, count: number): number[] {
  if (!(min > 0) || !(max > min) || !Number.isInteger(count) || count < 2)
    throw new RangeError(
      `exponentialBucketsRange(${min}, ${max}, ${count}): need 0 < min < max and count >= 2`,
    )
  const factor = (max / min) ** (1 / (count - 1))
  return Array.from({ length: count }, (_, i) => min * factor ** i)
}
