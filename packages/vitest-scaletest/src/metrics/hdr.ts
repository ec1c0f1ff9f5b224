import type { Histogram as HdrHistogram } from 'hdr-histogram-js'
import * as hdr from 'hdr-histogram-js'

export type { HdrHistogram }

/** 3 significant digits; 1 unit to 1 hour of microseconds before auto-resizing. */
const SIGNIFICANT_DIGITS = 3
const INITIAL_HIGHEST = 3_600_000_000

/**
 * An HDR histogram for merging, quantiles and encoding (the hot path records into HdrCounts). Packed
 * by default (small while it is kept); `'dense'` for a short-lived one that is filled, read and
 * dropped at once: its 64-bit counts make filling and encoding several times faster than packed ones,
 * and the encoding is the same.
 */
export function createHdr(layout: 'packed' | 'dense' = 'packed'): HdrHistogram {
  return hdr.build({
    bitBucketSize: layout === 'packed' ? 'packed' : 64,
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
