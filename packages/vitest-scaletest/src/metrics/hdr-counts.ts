import type { HdrHistogram } from './hdr.ts'
import { createHdr } from './hdr.ts'

/** With 3 significant digits HdrHistogram keeps 2048 sub-buckets: values below are exact. */
const SUB_BUCKET_COUNT = 2048
const SUB_BUCKET_BITS = 11
const HALF = SUB_BUCKET_COUNT / 2
/** Magnitudes (bit lengths) up to 53: every integer a double holds exactly. */
const MAX_CHUNKS = 54 - SUB_BUCKET_BITS + 1
/** The largest value (in HDR units) a histogram records. */
export const MAX_HDR_UNITS = Number.MAX_SAFE_INTEGER

/**
 * The smallest value HdrHistogram (3 significant digits, lowest discernible 1) files in the same
 * bucket as `value`: the value with all bits below its top 11 cleared.
 */
export function lowestEquivalentValue(value: number): number {
  if (value < SUB_BUCKET_COUNT) return value
  const magnitude = bitMagnitude(value)
  const unit = 2 ** (magnitude - SUB_BUCKET_BITS + 1)
  return Math.floor(value / unit) * unit
}

/** floor(log2(value)) of an integer >= 1, exactly (Math.log2 can round up just below a power of two). */
function bitMagnitude(value: number): number {
  return value < 0x1_0000_0000 ? 31 - Math.clz32(value) : 63 - Math.clz32(Math.floor(value / 0x1_0000_0000))
}

/**
 * The hot-path side of a histogram: counts per HDR bucket in dense typed arrays, one chunk per
 * power of two (chunk 0 holds the 2048 exact values below 2048, chunk j the 1024 buckets of values
 * with bit length 11 + j), made on first use. Recording is an index computation and an increment:
 * no Map, no allocation after a chunk exists, and memory follows the magnitudes used (8 KiB each).
 * `toHdr()` turns it into a real HdrHistogram with identical buckets for quantiles, merging and the
 * standard compressed encoding.
 */
export class HdrCounts {
  readonly #chunks: (Float64Array | undefined)[] = new Array(MAX_CHUNKS).fill(undefined)

  /** Record a non-negative integer in HDR units. */
  record(units: number): void {
    if (units < SUB_BUCKET_COUNT) {
      const chunk = this.#chunks[0] ?? this.#chunk(0)
      chunk[units]!++
      return
    }
    if (units < 0x1_0000_0000) {
      const shift = 31 - Math.clz32(units) - (SUB_BUCKET_BITS - 1) // >= 1
      const chunk = this.#chunks[shift] ?? this.#chunk(shift)
      chunk[(units >>> shift) - HALF]!++
      return
    }
    this.#recordLarge(units)
  }

  /** Adds `count` observations of the bucket holding `units` (merging). */
  add(units: number, count: number): void {
    const [index, offset] = locate(units)
    const chunk = this.#chunks[index] ?? this.#chunk(index)
    chunk[offset]! += count
  }

  /** Every non-empty bucket as (lowest equivalent value, count), in increasing order. */
  eachBucket(visit: (value: number, count: number) => void): void {
    for (let index = 0; index < MAX_CHUNKS; index++) {
      const chunk = this.#chunks[index]
      if (chunk === undefined) continue
      for (let offset = 0; offset < chunk.length; offset++) {
        const count = chunk[offset]!
        if (count !== 0) visit(index === 0 ? offset : (offset + HALF) * 2 ** index, count)
      }
    }
  }

  /** Adds every bucket of `other` into this one. */
  merge(other: HdrCounts): void {
    other.eachBucket((value, count) => this.add(value, count))
  }

  /** A copy (the chunks in use, copied; for an interval's starting point). */
  clone(): HdrCounts {
    const copy = new HdrCounts()
    for (let index = 0; index < MAX_CHUNKS; index++) copy.#chunks[index] = this.#chunks[index]?.slice()
    return copy
  }

  /** The counts of this one less those of `earlier` (an earlier clone of the same histogram). */
  minus(earlier: HdrCounts): HdrCounts {
    const delta = new HdrCounts()
    for (let index = 0; index < MAX_CHUNKS; index++) {
      const now = this.#chunks[index]
      if (now === undefined) continue
      const before = earlier.#chunks[index]
      const chunk = now.slice()
      if (before !== undefined)
        for (let offset = 0; offset < chunk.length; offset++) chunk[offset]! -= before[offset]!
      delta.#chunks[index] = chunk
    }
    return delta
  }

  /** A short-lived HdrHistogram with the same buckets: read or encode it, then destroy() it. */
  toHdr(): HdrHistogram {
    const histogram = createHdr('dense')
    this.eachBucket((value, count) => histogram.recordValueWithCount(value, count))
    return histogram
  }

  #recordLarge(units: number): void {
    const [index, offset] = locate(units)
    const chunk = this.#chunks[index] ?? this.#chunk(index)
    chunk[offset]!++
  }

  #chunk(index: number): Float64Array {
    const chunk = new Float64Array(index === 0 ? SUB_BUCKET_COUNT : HALF)
    this.#chunks[index] = chunk
    return chunk
  }
}

/** [chunk, offset] of the bucket holding `units`. */
function locate(units: number): [number, number] {
  if (units < SUB_BUCKET_COUNT) return [0, units]
  const lowest = lowestEquivalentValue(units)
  const shift = bitMagnitude(lowest) - (SUB_BUCKET_BITS - 1)
  if (shift >= MAX_CHUNKS) throw new RangeError(`value ${units} is beyond 2^53 HDR units`)
  return [shift, lowest / 2 ** shift - HALF]
}
