import { z } from 'zod'

import type { Threshold } from '../metrics/threshold-parser.ts'
import { parseThresholds } from '../metrics/threshold-parser.ts'

const thresholdsSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]))

export const reporterOptionsSchema = z.strictObject({
  /**
   * k6-like thresholds keyed by selector, e.g. `{ 'latency_seconds{type="smtp"}': ['p(99)<5'] }`;
   * SCALETEST_THRESHOLDS (the same as JSON) adds to them, e.g. for a CI job or a merge step.
   */
  thresholds: thresholdsSchema.optional(),
  /** Where results go; default SCALETEST_OUTPUT_DIR or `scaletest-results/`, relative to the Vitest root. */
  outputDir: z.string().min(1).optional(),
  /** Pushgateway base URL; default SCALETEST_PUSHGATEWAY_URL. */
  pushgatewayUrl: z.url().optional(),
  pushgatewayJob: z.string().min(1).default('scaletest'),
  /** `instance` grouping label of the push; default SCALETEST_INSTANCE, else host name (plus shard). */
  instance: z.string().min(1).optional(),
  /** HOST:PORT of the live /metrics endpoint; default SCALETEST_PROMETHEUS_ADDRESS. */
  prometheusAddress: z.string().min(1).optional(),
  /** How long the endpoint stays up after the last test; default SCALETEST_PROMETHEUS_WAIT or 15 s. */
  prometheusWaitMs: z.number().int().min(0).optional(),
  /** 'auto': progress only when a `*.scale.test.*` file runs. */
  progress: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Interval of plain progress lines when stderr is not a TTY (CI logs); default SCALETEST_PROGRESS_INTERVAL or 10 s. */
  progressIntervalMs: z.number().int().min(100).optional(),
  /** Labels with more distinct values than this are folded in the console summary (e.g. username). */
  summaryMaxLabelValues: z.number().int().min(1).default(10),
  /** The same for metrics.prom, the push and /metrics. */
  prometheusMaxLabelValues: z.number().int().min(1).default(1000),
  /** results.json of an earlier run to compare with; default SCALETEST_BASELINE. */
  baseline: z.string().min(1).optional(),
  /** Percent a p50/p99 may rise over the baseline before it is a regression; default SCALETEST_BASELINE_TOLERANCE or 10. */
  baselineTolerancePct: z.number().min(0).optional(),
  /** Histogram whose recent p99 the progress line shows; default SCALETEST_MAIN_METRIC, else the first one a threshold names. */
  mainMetric: z.string().min(1).optional(),
  /** Write report.html beside results.json (default true). */
  report: z.boolean().default(true),
})

export type ScaletestReporterOptions = z.input<typeof reporterOptionsSchema>

export interface ResolvedReporterOptions extends z.infer<typeof reporterOptionsSchema> {
  parsedThresholds: Threshold[]
  outputDir: string
  prometheusWaitMs: number
  baselineTolerancePct: number
  progressIntervalMs: number
}

export class ReporterConfigError extends Error {
  readonly code = 'SCALETEST_REPORTER_CONFIG'
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ReporterConfigError'
  }
}

/** Validate options and fill defaults from the environment. Throws before the run starts. */
export function resolveReporterOptions(
  options: ScaletestReporterOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedReporterOptions {
  const parsed = reporterOptionsSchema.safeParse(options)
  if (!parsed.success) {
    throw new ReporterConfigError(`ScaletestReporter options: ${z.prettifyError(parsed.error)}`)
  }
  const o = parsed.data
  const pushgatewayUrl = o.pushgatewayUrl ?? nonEmpty(env.SCALETEST_PUSHGATEWAY_URL)
  if (pushgatewayUrl !== undefined && !URL.canParse(pushgatewayUrl)) {
    throw new ReporterConfigError(`SCALETEST_PUSHGATEWAY_URL=${JSON.stringify(pushgatewayUrl)} is not a URL`)
  }
  const waitEnv = nonEmpty(env.SCALETEST_PROMETHEUS_WAIT)
  const toleranceEnv = nonEmpty(env.SCALETEST_BASELINE_TOLERANCE)
  const progressEnv = nonEmpty(env.SCALETEST_PROGRESS_INTERVAL)
  return {
    ...o,
    parsedThresholds: [...parseThresholds(o.thresholds), ...parseThresholds(envThresholds(env))],
    outputDir: o.outputDir ?? nonEmpty(env.SCALETEST_OUTPUT_DIR) ?? 'scaletest-results',
    pushgatewayUrl,
    instance: o.instance ?? nonEmpty(env.SCALETEST_INSTANCE),
    prometheusAddress: o.prometheusAddress ?? nonEmpty(env.SCALETEST_PROMETHEUS_ADDRESS),
    baseline: o.baseline ?? nonEmpty(env.SCALETEST_BASELINE),
    mainMetric: o.mainMetric ?? nonEmpty(env.SCALETEST_MAIN_METRIC),
    baselineTolerancePct:
      o.baselineTolerancePct ?? (toleranceEnv === undefined ? 10 : parseTolerance(toleranceEnv)),
    progressIntervalMs:
      o.progressIntervalMs ??
      (progressEnv === undefined
        ? 10_000
        : Math.max(100, parseDurationMs('SCALETEST_PROGRESS_INTERVAL', progressEnv))),
    prometheusWaitMs:
      o.prometheusWaitMs ??
      (waitEnv === undefined ? 15_000 : parseDurationMs('SCALETEST_PROMETHEUS_WAIT', waitEnv)),
  }
}

function envThresholds(env: NodeJS.ProcessEnv): Record<string, string | string[]> | undefined {
  const text = nonEmpty(env.SCALETEST_THRESHOLDS)
  if (text === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ReporterConfigError(`SCALETEST_THRESHOLDS is not JSON: ${(error as Error).message}`)
  }
  const parsed = thresholdsSchema.safeParse(json)
  if (!parsed.success)
    throw new ReporterConfigError(
      `SCALETEST_THRESHOLDS must map selectors to expressions, e.g. {"latency_seconds":["p(99)<5"]}: ${z.prettifyError(parsed.error)}`,
    )
  return parsed.data
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/

/** Go-style duration (`15s`, `500ms`, `1m`) or bare seconds (`15`). */
export function parseDurationMs(name: string, text: string): number {
  const match = DURATION.exec(text.trim())
  if (!match)
    throw new ReporterConfigError(
      `${name}=${JSON.stringify(text)} is not a duration; write e.g. 15s, 500ms or 1m`,
    )
  const n = Number(match[1])
  const unit = match[2] ?? 's'
  return Math.round(unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000)
}

const PERCENT = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/

/** `10%` or `10` → 10. */
export function parseTolerance(text: string): number {
  const match = PERCENT.exec(text)
  if (!match)
    throw new ReporterConfigError(
      `SCALETEST_BASELINE_TOLERANCE=${JSON.stringify(text)} is not a percentage; write e.g. 10%`,
    )
  return Number(match[1])
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}
