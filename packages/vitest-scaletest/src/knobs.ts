// Zod pieces for a scenario's knobs (environment variables named after Coder's flags), so every
// suite reads durations, counts, booleans and `key=value` lists the same way and reports every bad
// variable at once in one ConfigError.

import { z } from 'zod'

import { ConfigError } from './errors.ts'
import { parseDuration } from './harness/duration.ts'

const text = z.string().optional()

export const knob = {
  /** A Go duration (`500ms`, `30s`, `5m`); `0` only when `allowZero`. Result in ms. */
  duration: (fallback: string, options: { allowZero?: boolean } = {}) =>
    text.transform((value, ctx) => {
      const ms = parseDuration(value?.trim() || fallback)
      if (ms === undefined || ms < 0 || (!options.allowZero && ms === 0)) {
        const example = options.allowZero ? '0s, 500ms or 30s' : '500ms, 30s or 10m'
        ctx.addIssue({ code: 'custom', message: `expected a positive duration such as ${example}` })
        return z.NEVER
      }
      return ms
    }),
  /** An integer of at least `min`. */
  int: (fallback: number, min: number) =>
    text.transform((value, ctx) => {
      const n = value === undefined || value.trim() === '' ? fallback : Number(value)
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `expected an integer >= ${min}` })
        return z.NEVER
      }
      return n
    }),
  /** true/false, 1/0, yes/no, on/off. */
  bool: (fallback: boolean) =>
    text.transform((value, ctx) => {
      const v = value?.trim().toLowerCase()
      if (!v) return fallback
      if (['true', '1', 'yes', 'on'].includes(v)) return true
      if (['false', '0', 'no', 'off'].includes(v)) return false
      ctx.addIssue({ code: 'custom', message: 'expected true or false' })
      return z.NEVER
    }),
  /** `key=value` pairs separated by commas (serpent's string-array env syntax), e.g. provisioner tags. */
  keyValues: () =>
    text.transform((value, ctx) => {
      const out: Record<string, string> = {}
      for (const pair of (value ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const at = pair.indexOf('=')
        if (at <= 0) {
          ctx.addIssue({ code: 'custom', message: `expected key=value pairs, got '${pair}'` })
          return z.NEVER
        }
        out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim()
      }
      return out
    }),
}

/** Parses `env` with `schema`, or throws one ConfigError listing every bad variable and its value. */
export function parseKnobs<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined>,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(env)
  if (parsed.success) return parsed.data
  const names = parsed.error.issues.map((i) => String(i.path[0]))
  const problems = parsed.error.issues.map(
    (i) => `  ${String(i.path[0])}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`,
  )
  throw new ConfigError(names, `invalid ${what} configuration:\n${problems.join('\n')}`)
}
