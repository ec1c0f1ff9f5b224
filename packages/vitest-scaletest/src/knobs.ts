// Zod pieces for a scenario's knobs (environment variables named after Coder's flags, each with
// Coder's default), so every suite reads durations, counts, choices, booleans and `key=value` lists
// the same way and reports every bad variable at once in one ConfigError, before anything is made.

import { z } from 'zod'

import { ConfigError } from './errors.ts'
import { parseDuration } from './harness/duration.ts'

const text = z.string().optional()
const blank = (value: string | undefined): value is undefined => value === undefined || value.trim() === ''

export const knob = {
  /** A Go duration (`500ms`, `30s`, `5m`) in ms: positive, or at least `minMs`, or 0 with `allowZero`. */
  duration: (fallback: string, options: { allowZero?: boolean; minMs?: number } = {}) =>
    text.transform((value, ctx) => {
      const ms = parseDuration(blank(value) ? fallback : value)
      const min = options.minMs ?? (options.allowZero ? 0 : 1)
      if (ms === undefined || ms < min) {
        const floor =
          min > 1
            ? `a duration of at least ${min / 1000}s,`
            : min === 0
              ? 'a duration'
              : 'a positive duration'
        ctx.addIssue({ code: 'custom', message: `expected ${floor} such as 500ms, 30s or 2m` })
        return z.NEVER
      }
      return ms
    }),
  /** An integer of at least `min`. */
  int: (fallback: number, min: number) =>
    knob.number(fallback, (n) => Number.isInteger(n) && n >= min, `an integer >= ${min}`),
  /** A number that passes `check`; `expected` says what was wanted. */
  number: (fallback: number, check: (n: number) => boolean, expected: string) =>
    text.transform((value, ctx) => {
      const n = blank(value) ? fallback : Number(value)
      if (!Number.isFinite(n) || !check(n)) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}` })
        return z.NEVER
      }
      return n
    }),
  /** One of `choices` (case-insensitive). */
  choice: <const C extends readonly [string, ...string[]]>(fallback: C[number], choices: C) =>
    text.transform((value, ctx) => {
      const v = blank(value) ? fallback : value.trim().toLowerCase()
      if (!choices.includes(v)) {
        ctx.addIssue({ code: 'custom', message: `expected one of ${choices.join(', ')}` })
        return z.NEVER
      }
      return v as C[number]
    }),
  /** A number from `min` to `max`. */
  range: (fallback: number, min: number, max: number) =>
    knob.number(fallback, (n) => n >= min && n <= max, `a number from ${min} to ${max}`),
  /** Any text, trimmed; `fallback` when unset or blank. */
  string: (fallback = '') => text.transform((value) => (blank(value) ? fallback : value.trim())),
  /** true/false, 1/0, t/f (Go's strconv.ParseBool), yes/no, on/off. */
  bool: (fallback = false) =>
    text.transform((value, ctx) => {
      if (blank(value)) return fallback
      const v = value.trim().toLowerCase()
      if (['true', 't', '1', 'yes', 'on'].includes(v)) return true
      if (['false', 'f', '0', 'no', 'off'].includes(v)) return false
      ctx.addIssue({ code: 'custom', message: 'expected true or false' })
      return z.NEVER
    }),
  /** An http(s) URL; `fallback` when unset or blank. Nothing at all is '' with `optional`, else an error. */
  url: (fallback = '', options: { optional?: boolean } = {}) =>
    text.transform((value, ctx) => {
      const url = blank(value) ? fallback : value.trim()
      if (url === '' && options.optional) return ''
      if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
        ctx.addIssue({ code: 'custom', message: 'expected an http(s) URL such as http://localhost:8080' })
        return z.NEVER
      }
      return url
    }),
  /** The text (trimmed; '' when unset) read by `parse`, whose thrown error's message is the problem. */
  parsed: <T>(parse: (value: string) => T) =>
    text.transform((value, ctx) => {
      try {
        return parse(blank(value) ? '' : value.trim())
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message })
        return z.NEVER
      }
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

/** What is wrong with one variable. */
export interface KnobProblem {
  variable: string
  message: string
}

/**
 * Parses `env` with `schema`, or throws one ConfigError listing every bad variable and its value.
 * `check` finds problems between knobs (e.g. one mode needing another knob) once each has parsed;
 * they are reported the same way.
 */
export function parseKnobs<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  what: string,
  check?: (values: z.infer<S>) => KnobProblem[],
): z.infer<S> {
  const parsed = schema.safeParse(env)
  const problems: KnobProblem[] = parsed.success
    ? (check?.(parsed.data) ?? [])
    : parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message }))
  if (parsed.success && problems.length === 0) return parsed.data
  const lines = problems.map(({ variable, message }) => {
    const value = env[variable]
    return `  ${variable}${value === undefined ? ' (unset)' : `=${JSON.stringify(value)}`}: ${message}`
  })
  throw new ConfigError(
    problems.map((p) => p.variable),
    `invalid ${what} configuration:\n${lines.join('\n')}`,
  )
}
