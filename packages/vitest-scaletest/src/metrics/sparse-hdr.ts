import type { HdrHistogram } from './hdr.ts'
import { createHdr } from './hdr.ts'

/** With 3 significant digits HdrHistogram keeps 2048 sub-buckets: values below are exact. */
const SUB_BUCKET_COUNT = 2048
const SUB_BUCKET_BITS = 11

/**
 * The smallest value HdrHistogram (3 significant digits, lowest discernible 1) files in the same
 * bucket as `value`: the value with all bits below its top 11 cleared.
 */
export function lowestEquivalentValue(value: number): number {
  if (value < SUB_BUCKET_COUNT) return value
  const magnitude = value < 0x1_0000_0000 ? 31 - Math.clz32(value) : Math.floor(Math.log2(value))
  const unit = 2 ** (magnitude - SUB_BUCKET_BITS + 1)
  return Math.floor(value / unit) * unit
}

/**
 * The hot-path side of a histogram: counts per HDR bucket in a Map, about as cheap as a counter
 * and sized by the buckets used. `toHdr()` turns it into a real HdrHistogram with identical
 * buckets for quantiles, merging and the standard compressed encoding.
 */
export class SparseHdr {
  readonly counts = new Map<number, number>()

  /** Record a non-negative integer in HDR units. */
  record(units: number): void {
    const key = lowestEquivalentValue(units)
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
  }

  toHdr(): HdrHistogram {
    const histogram = createHdr()
    for (const [value, count] of this.counts) histogram.recordValueWithCount(value, count)
    return histogram
  }
}
