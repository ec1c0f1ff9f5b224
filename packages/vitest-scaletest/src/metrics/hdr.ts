import type { Histogram as HdrHistogram } from 'hdr-histogram-js'
import * as hdr from 'hdr-histogram-js'

export type { HdrHistogram }

/** 3 significant digits; 1 unit to 1 hour of microseconds before auto-resizing. */
const SIGNIFICANT_DIGITS = 3
const INITIAL_HIGHEST = 3_600_000_000

/** A packed HDR histogram (for merging, quantiles and encoding; the hot path records into HdrCounts). */
export function createHdr(): HdrHistogram {
  return hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: INITIAL_HIGHEST,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    autoResize: true,
  })
}

export function encodeHdr(histogram: HdrHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram)
}

export function decodeHdr(encoded: string): HdrHistogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded, 'packed', false)
  decoded.autoResize = true // so merging a wider histogram into it never overflows
  return decoded
}

/** Relative precision of a 3-significant-digit HDR histogram (values within this of the truth). */
export const HDR_RELATIVE_PRECISION = 10 ** -SIGNIFICANT_DIGITS
