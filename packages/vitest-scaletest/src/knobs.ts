// Zod pieces for a scenario's knobs: environment variables named after Coder's flags, each with
// Coder's default, every bad one reported at once in a ConfigError before anything is created.

import { z } from 'zod'

import { ConfigError } from './errors.ts'
import { parseDuration } from './harness/duration.ts'

const blank = (value: string | undefined) => value === undefined || value.trim() === ''

/** A Go-style duration (`500ms`, `2m`) in ms, at least `minMs`. */
export function durationKnob(fallback: string, minMs = 1) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const ms = parseDuration(blank(value) ? fallback : value!)
      if (ms === undefined || ms < minMs) {
        const floor = minMs <= 1 ? 'a positive duration' : `a duration of at least ${minMs / 1000}s`
        ctx.addIssue({ code: 'custom', message: `expected ${floor}, such as 500ms, 30s or 2m` })
        return z.NEVER
      }
      return ms
    })
}

/** An integer of at least `min`. */
export function intKnob(fallback: number, min: number) {
  return numberKnob(fallback, (n) => Number.isInteger(n) && n >= min, `an integer >= ${min}`)
}

/** A number that passes `check`; `expected` says what was wanted. */
export function numberKnob(fallback: number, check: (n: number) => boolean, expected: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const n = blank(value) ? fallback : Number(value)
      if (!Number.isFinite(n) || !check(n)) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}` })
        return z.NEVER
      }
      return n
    })
}

/** One of `choices` (case-insensitive). */
export function choiceKnob<const C extends readonly [string, ...string[]]>(fallback: C[number], choices: C) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = blank(value) ? fallback : value!.trim().toLowerCase()
      if (!choices.includes(v)) {
        ctx.addIssue({ code: 'custom', message: `expected one of ${choices.join(', ')}` })
        return z.NEVER
      }
      return v as C[number]
    })
}

/** Parses `env` against `schema`; a ConfigError lists every bad variable with its value. */
export function parseKnobs<S extends z.ZodType>(
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
