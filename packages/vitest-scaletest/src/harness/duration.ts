// Go's time.Duration text form ("1.5s", "2m3.25s", "150ms", "0s"), which Coder's results JSON uses,
// and its parser for SCALETEST_* duration variables.

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }

/** Formats milliseconds the way Go's `time.Duration.String()` formats nanoseconds. */
export function formatDuration(ms: number): string {
  let ns = Math.round(ms * 1e6)
  if (ns === 0) return '0s'
  const sign = ns < 0 ? '-' : ''
  ns = Math.abs(ns)
  if (ns < 1e3) return `${sign}${ns}ns`
  if (ns < 1e6) return `${sign}${trim(ns / 1e3)}µs`
  if (ns < 1e9) return `${sign}${trim(ns / 1e6)}ms`
  const hours = Math.floor(ns / 3600e9)
  const minutes = Math.floor((ns % 3600e9) / 60e9)
  const seconds = (ns % 60e9) / 1e9
  let out = `${trim(seconds)}s`
  if (hours > 0 || minutes > 0) out = `${minutes}m${out}`
  if (hours > 0) out = `${hours}h${out}`
  return sign + out
}

function trim(value: number): string {
  // Go prints up to 9 fractional digits and drops trailing zeros.
  return value.toFixed(9).replace(/\.?0+$/, '')
}

/**
 * Parses a Go duration ("30m", "1h30m", "250ms", "1.5s") into milliseconds. "0" means zero. Returns
 * undefined for anything else, so callers can name the field in their own error.
 */
export function parseDuration(text: string): number | undefined {
  const input = text.trim()
  if (input === '0') return 0
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(input)) return undefined
  let ns = 0
  for (const match of input.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    ns += Number(match[1]) * UNIT_NS[match[2]!]!
  }
  return ns / 1e6
}
