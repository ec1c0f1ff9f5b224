// Environment knobs named after Coder's flags (`CODER_SCALETEST_<FLAG>`), parsed with zod so every
// bad value is reported at once, before a scenario creates anything.

import { z } from 'zod'

import { ConfigError } from './errors.ts'
import { parseDuration } from './harness/duration.ts'

const blank = (value: string | undefined) => value === undefined || value.trim() === ''

export const knob = {
  /** An integer of at least `min`. */
  int: (fallback: number, min: number) =>
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        const n = blank(value) ? fallback : Number(value)
        if (!Number.isInteger(n) || n < min) {
          ctx.addIssue({ code: 'custom', message: `expected an integer >= ${min}` })
          return z.NEVER
        }
        return n
      }),
  /** A number within [min, max]. */
  number: (fallback: number, min: number, max: number) =>
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        const n = blank(value) ? fallback : Number(value)
        if (!Number.isFinite(n) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: `expected a number from ${min} to ${max}` })
          return z.NEVER
        }
        return n
      }),
  /** A Go-style duration in ms; `allowZero` lets `0` through (e.g. "no timeout"). */
  duration: (fallback: string, allowZero = false) =>
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        const ms = parseDuration(blank(value) ? fallback : value!.trim())
        if (ms === undefined || ms < 0 || (!allowZero && ms === 0)) {
          ctx.addIssue({
            code: 'custom',
            message: `expected a ${allowZero ? '' : 'positive '}duration such as 500ms, 30s or 10m`,
          })
          return z.NEVER
        }
        return ms
      }),
  /** Go's strconv.ParseBool spellings. */
  bool: (fallback = false) =>
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (blank(value)) return fallback
        const v = value!.trim()
        if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true
        if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false
        ctx.addIssue({ code: 'custom', message: 'expected true or false' })
        return z.NEVER
      }),
  string: (fallback = '') =>
    z
      .string()
      .optional()
      .transform((value) => (blank(value) ? fallback : value!.trim())),
}

/** Parses `env` with `schema`; every failing variable goes into one ConfigError. */
export function parseKnobs<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(env)
  if (parsed.success) return parsed.data
  const variables = parsed.error.issues.map((i) => String(i.path[0]))
  const problems = parsed.error.issues.map(
    (i) => `  ${String(i.path[0])}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`,
  )
  throw new ConfigError(variables, `invalid ${what} configuration:\n${problems.join('\n')}`)
}
