import { expect, it } from 'vitest'

import { exponentialBucketsRange, PROMETHEUS_DEFAULT_BUCKETS } from './buckets.ts'

// Coder's buckets (scaletest/chat/metrics.go), as its docs print them to 3 decimals.
const REQUEST = [
  0.05, 0.079, 0.125, 0.197, 0.312, 0.493, 0.78, 1.233, 1.948, 3.08, 4.868, 7.694, 12.162, 19.224, 30.386,
  48.03, 75.918, 120,
]
const PROCESSING = [
  0.1, 0.16, 0.256, 0.411, 0.658, 1.054, 1.687, 2.702, 4.328, 6.932, 11.101, 17.779, 28.473, 45.601, 73.032,
  116.963, 187.32, 300,
]

it('builds prometheus.ExponentialBucketsRange(0.05, 120, 18) and (0.1, 300, 18)', () => {
  for (const [got, want] of [
    [exponentialBucketsRange(0.05, 120, 18), REQUEST],
    [exponentialBucketsRange(0.1, 300, 18), PROCESSING],
  ] as const) {
    expect(got).toHaveLength(18)
    for (const [i, b] of got.entries()) expect(b).toBeCloseTo(want[i]!, 2)
    expect(got[0]).toBe(want[0])
    expect(got.at(-1)).toBeCloseTo(want.at(-1)!, 9)
  }
})

it('refuses a range it cannot build', () => {
  expect(() => exponentialBucketsRange(0, 1, 3)).toThrow(RangeError)
  expect(() => exponentialBucketsRange(2, 1, 3)).toThrow(RangeError)
  expect(() => exponentialBucketsRange(1, 2, 1)).toThrow(RangeError)
})

it('keeps prometheus.DefBuckets as client_golang has them', () => {
  expect(PROMETHEUS_DEFAULT_BUCKETS).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
  expect(Object.isFrozen(PROMETHEUS_DEFAULT_BUCKETS)).toBe(true)
})
