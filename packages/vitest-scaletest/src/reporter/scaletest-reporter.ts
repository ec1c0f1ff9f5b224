import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { Gauge } from 'prom-client'
import type { RunnerTaskResultPack } from 'vitest'
import type { Reporter, SerializedError, TestCase, TestModule, TestSpecification, Vitest } from 'vitest/node'
import { DefaultReporter, DotReporter } from 'vitest/node'

import type { MockEndpoints, ScaletestTaskMeta } from '../context.ts'
import type { LiveTaskData } from '../live.ts'
import { MetricsAggregate } from '../metrics/aggregate.ts'
import type { MetricsServer } from '../metrics/metrics-server.ts'
import { startMetricsServer } from '../metrics/metrics-server.ts'
import { toPrometheusRegistry } from '../metrics/prometheus.ts'
import { isMetricsSnapshot } from '../metrics/snapshot.ts'
import type { ThresholdResult } from '../metrics/threshold-eval.ts'
import { evaluateThresholds } from '../metrics/threshold-eval.ts'
import { parseThresholds } from '../metrics/threshold-parser.ts'
import { readBarriers } from './barriers.ts'
import type { Baseline } from './baseline.ts'
import { compareWithBaseline, loadBaseline } from './baseline.ts'
import type { HarnessFromTest } from './harness-results.ts'
import { mergeHarnessResults, readHarness } from './harness-results.ts'
import { handleInterrupts, type InterruptHandling } from './interrupt-handler.ts'
import { liveAggregate, recentLatency } from './live-status.ts'
import type { ResolvedReporterOptions, ScaletestReporterOptions } from './options.ts'
import { resolveReporterOptions } from './options.ts'
import type { LiveStatus } from './progress.ts'
import { Progress } from './progress.ts'
import { collectProvenance } from './provenance.ts'
import { pushToGateway } from './pushgateway.ts'
import { renderReport } from './report/render-report.ts'
import { ShardCensus } from './shards.ts'
import { formatNumber, formatSummary, formatThresholdResult } from './summary.ts'
import type { ScaletestResults, TestEntry } from './write-results.ts'
import { buildResults, resultsJson, writeResultFiles } from './write-results.ts'

const WINDOW_REPORTERS = new Set(['default', 'verbose', 'tree', 'dot'])
const SCALE_FILE = /\.scale\.test\.[cm]?[jt]sx?$/
const LIVE_REFRESH_SECONDS = 5

function sum<T>(list: T[], value: (item: T) => number): number {
  return list.reduce((n, item) => n + value(item), 0)
}

/**
 * Turns tests that carry `task.meta.scaletest` into a console summary, results.json, metrics.prom,
 * an optional Pushgateway push and live /metrics endpoint, and gates the run on thresholds.
 * A run in which no test carries scaletest data gets no output and no files from this reporter.
 */
export class ScaletestReporter implements Reporter {
  readonly #options: ResolvedReporterOptions
  #vitest: Vitest | undefined
  #aggregate = new MetricsAggregate()
  #harness: HarnessFromTest[] = []
  #shards = new ShardCensus()
  #tests: TestEntry[] = []
  #counts = { passed: 0, failed: 0, skipped: 0, withScaletest: 0 }
  #expectedModules = 0
  #endedModules = 0
  #thresholdResults: ThresholdResult[] | undefined
  /** Live data of the tests still running, by task id. */
  #live = new Map<string, LiveTaskData>()
  #finished = new Set<string>()
  #progress: Progress | undefined
  #server: MetricsServer | undefined
  #startedAt = Date.now()
  #interrupts: InterruptHandling | undefined
  readonly #baseline: Baseline | undefined

  /** Throws (so Vitest stops before running anything) on bad options, threshold syntax or baseline file. */
  constructor(options: ScaletestReporterOptions = {}) {
    this.#options = resolveReporterOptions(options)
    if (this.#options.baseline !== undefined) this.#baseline = loadBaseline(resolve(this.#options.baseline))
  }

  onInit(vitest: Vitest): void {
    this.#vitest = vitest
    this.#interrupts?.restore()
    this.#interrupts = handleInterrupts(vitest, (m) => this.#warn(m))
    vitest.onClose(() => this.#interrupts?.restore())
  }

  async onTestRunStart(specifications: ReadonlyArray<TestSpecification>): Promise<void> {
    this.#reset()
    this.#expectedModules = specifications.length
    const scaleRun = specifications.some((s) => SCALE_FILE.test(s.moduleId))
    const mode = this.#options.progress
    if (mode === 'always' || (mode === 'auto' && scaleRun)) {
      this.#progress = new Progress({
        stream: process.stderr,
        // Next to a Vitest reporter that owns the bottom of the terminal, print plain lines instead.
        live: process.stderr.isTTY === true && !this.#vitestDrawsWindow(),
        intervalMs: this.#options.progressIntervalMs,
        status: () => this.#liveStatus(),
      })
      this.#progress.start()
    }
    if (this.#options.prometheusAddress !== undefined) {
      this.#server = await startMetricsServer(
        this.#options.prometheusAddress,
        () => this.#registry().metrics(),
        {
          '/report': {
            contentType: 'text/html; charset=utf-8',
            render: () =>
              renderReport(resultsJson(this.#liveResults()), { refreshSeconds: LIVE_REFRESH_SECONDS }),
          },
        },
      )
      this.#log(
        `scaletest metrics endpoint listening on ${this.#server.url}/metrics, live report on ${this.#server.url}/report`,
      )
    }
  }

  /** Running tests send their live data (metrics so far, harness progress) about every second. */
  onTaskUpdate(packs: ReadonlyArray<RunnerTaskResultPack>): void {
    for (const [id, result, meta] of packs) {
      const live = (meta as { scaletest?: ScaletestTaskMeta } | undefined)?.scaletest?.live
      const done = result?.state === 'pass' || result?.state === 'fail'
      if (live !== undefined && !done && !this.#finished.has(id)) this.#live.set(id, live as LiveTaskData)
    }
  }

  onTestCaseReady(): void {
    if (this.#progress) this.#progress.counts.started++
  }

  onTestCaseResult(testCase: TestCase): void {
    const state = testCase.result().state
    if (state === 'passed') this.#counts.passed++
    else if (state === 'failed') this.#counts.failed++
    else this.#counts.skipped++
    const meta = (testCase.meta() as { scaletest?: ScaletestTaskMeta }).scaletest
    this.#live.delete(testCase.id)
    this.#finished.add(testCase.id) // a live update still in flight must not bring it back
    if (meta !== undefined) this.#collect(testCase, state, meta)
    if (this.#progress) {
      const p = this.#progress.counts
      p.passed = this.#counts.passed
      p.failed = this.#counts.failed
      p.skipped = this.#counts.skipped
    }
  }

  /**
   * When the last module ends, thresholds are evaluated and a violation is handed to Vitest as an
   * error: Vitest then lists it, puts it in JUnit as a failed case and exits non-zero.
   */
  onTestModuleEnd(_module: TestModule): void {
    this.#endedModules++
    if (this.#endedModules !== this.#expectedModules) return
    for (const error of this.#evaluate() ?? []) this.#vitest?.state.catchError(error, 'Scaletest Threshold')
  }

  async onTestRunEnd(
    _modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): Promise<void> {
    // Fallback when not every module reported its end (e.g. a cancelled run): still fail the run.
    const late = this.#evaluate()
    if (late !== undefined && late.length > 0) {
      ;(unhandledErrors as SerializedError[]).push(...late)
      process.exitCode = 1
    }
    this.#progress?.stop()
    try {
      if (this.#counts.withScaletest > 0) await this.#report()
    } finally {
      await this.#closeServer()
      // An interrupted run exits as Node would on the signal, whatever the tests did.
      const interrupted = this.#interrupts?.exitCode()
      if (interrupted !== undefined) process.exitCode = interrupted
    }
  }

  #collect(testCase: TestCase, state: string, meta: ScaletestTaskMeta) {
    this.#counts.withScaletest++
    const name = testCase.fullName
    const harness = readHarness(name, meta.harness, (m) => this.#warn(m))
    this.#harness.push(...harness)
    if (meta.shard && this.#shards.local === undefined) this.#shards.add(name, meta.shard)
    const barriers = readBarriers(meta.barriers)
    this.#tests.push({
      name,
      module: testCase.module.relativeModuleId,
      state,
      harness: harness.map((h) => h.results),
      ...(barriers.length > 0 && { barriers }),
    })
    if (meta.metrics !== undefined) {
      if (!isMetricsSnapshot(meta.metrics))
        this.#warn(`test "${name}": meta.scaletest.metrics is not a metrics snapshot; skipped`)
      else {
        try {
          this.#aggregate.add(meta.metrics)
        } catch (error) {
          this.#vitest?.logger.error(`ERROR: test "${name}": ${(error as Error).message}`)
          process.exitCode = 1
        }
      }
    }
    for (const [selector, list] of Object.entries(meta.thresholds ?? {})) {
      const existing = this.#aggregate.thresholds[selector] ?? []
      this.#aggregate.thresholds[selector] = [...existing, ...list.filter((e) => !existing.includes(e))]
    }
  }

  /** Evaluate once per run; returns the errors to raise (empty when all pass), undefined if already done or nothing to check. */
  #evaluate(): SerializedError[] | undefined {
    if (this.#thresholdResults !== undefined || this.#counts.withScaletest === 0) return undefined
    const baseline = this.#baseline?.aggregate
    const results = evaluateThresholds(this.#options.parsedThresholds, this.#aggregate, baseline)
    for (const [selector, list] of Object.entries(this.#aggregate.thresholds)) {
      try {
        results.push(...evaluateThresholds(parseThresholds({ [selector]: list }), this.#aggregate, baseline))
      } catch (error) {
        results.push({
          selector,
          expression: list.join(', '),
          ok: false,
          actual: null,
          reason: (error as Error).message,
        })
      }
    }
    results.push(...this.#shards.missing())
    this.#thresholdResults = results
    const failed = results.filter((r) => !r.ok)
    for (const r of failed)
      this.#vitest?.logger.error(`ERROR: scaletest threshold failed: ${formatThresholdResult(r)}`)
    return failed.map((r) => ({
      name: 'ScaletestThresholdError',
      message: `threshold ${r.selector} '${r.expression}' failed: ${r.actual === null ? r.reason : `measured ${formatNumber(r.actual)}`}`,
      stack: '',
    }))
  }

  /** Runs so far across finished and running tests, and the main latency metric's recent p99. */
  #liveStatus(): LiveStatus {
    const live = [...this.#live.values()]
    const finished = this.#harness.map((h) => h.results)
    const status: LiveStatus = {
      runsStarted: sum(finished, (r) => r.total_runs) + sum(live, (l) => l.harness?.started ?? 0),
      runsPassed: sum(finished, (r) => r.total_pass) + sum(live, (l) => l.harness?.passed ?? 0),
      runsFailed: sum(finished, (r) => r.total_fail) + sum(live, (l) => l.harness?.failed ?? 0),
    }
    const latency = recentLatency(this.#aggregate, live, this.#options, Date.now())
    if (latency !== undefined) status.latency = latency
    return status
  }

  /** What report.html shows while the run goes: finished tests plus the running ones' data so far. */
  #liveResults(): ScaletestResults {
    const aggregate = liveAggregate(this.#aggregate, [...this.#live.values()], (m) => this.#warn(m))
    const thresholds = evaluateThresholds(
      this.#options.parsedThresholds,
      aggregate,
      this.#baseline?.aggregate,
    )
    const results = buildResults({
      startedAt: this.#startedAt,
      endedAt: Date.now(),
      harness: mergeHarnessResults(this.#harness),
      tests: this.#tests,
      thresholds,
      aggregate,
    })
    const status = this.#liveStatus()
    const live: NonNullable<ScaletestResults['live']> = {
      runs_started: status.runsStarted,
      runs_passed: status.runsPassed,
      runs_failed: status.runsFailed,
    }
    if (status.latency !== undefined) {
      const { metric, p99, windowSeconds } = status.latency
      live.latency = { metric, p99, window_seconds: windowSeconds }
    }
    return { ...results, live }
  }

  async #report(): Promise<void> {
    const outputDir = resolve(this.#vitest?.config.root ?? process.cwd(), this.#options.outputDir)
    const harness = mergeHarnessResults(this.#harness)
    const thresholds = this.#thresholdResults ?? []
    const root = this.#vitest?.config.root ?? process.cwd()
    const baseline = this.#baseline
    const results = buildResults({
      startedAt: this.#startedAt,
      endedAt: Date.now(),
      harness,
      tests: this.#tests,
      thresholds,
      aggregate: this.#aggregate,
      provenance: collectProvenance({
        root,
        scenarios: this.#tests.map((t) => t.module),
        mocks: this.#mocks(),
      }),
      ...(baseline && {
        compare: (summary) => compareWithBaseline(baseline, summary, this.#options.baselineTolerancePct),
      }),
    })
    const files = await writeResultFiles(outputDir, results, await this.#registry().metrics(), {
      report: this.#options.report,
    })
    const summary = formatSummary({
      baseline: results.baseline,
      aggregate: this.#aggregate,
      harness: this.#harness.length > 0 ? harness : undefined,
      thresholds,
      tests: this.#counts,
      files,
      maxLabelValues: this.#options.summaryMaxLabelValues,
    })
    this.#log(summary.join('\n'))
    if (this.#options.pushgatewayUrl !== undefined) {
      const instance = this.#options.instance ?? hostname()
      try {
        await pushToGateway(this.#options.pushgatewayUrl, this.#registry(), {
          job: this.#options.pushgatewayJob,
          instance,
          ...(this.#shards.local && { shard: this.#shards.local }),
        })
        this.#log(
          `scaletest metrics pushed to the Pushgateway (job=${this.#options.pushgatewayJob}, instance=${instance})`,
        )
      } catch (error) {
        this.#vitest?.logger.error(`ERROR: ${(error as Error).message}`)
        process.exitCode = 1
      }
    }
  }

  /** The mock endpoints the globalSetup provided to the projects, without the session token. */
  #mocks() {
    for (const project of this.#vitest?.projects ?? []) {
      const mocks = (project.getProvidedContext() as { scaletestMocks?: MockEndpoints }).scaletestMocks
      if (mocks !== undefined) {
        const { coderSessionToken: _t, ...rest } = mocks
        return rest
      }
    }
    return undefined
  }

  #registry() {
    const registry = toPrometheusRegistry(this.#aggregate, {
      maxLabelValues: this.#options.prometheusMaxLabelValues,
    })
    if (this.#shards.local) registry.setDefaultLabels({ shard: this.#shards.local })
    const tests = new Gauge({
      name: 'scaletest_tests',
      help: 'Vitest test cases of this scaletest run by result.',
      labelNames: ['state'],
      registers: [registry],
    })
    for (const state of ['passed', 'failed', 'skipped'] as const) tests.set({ state }, this.#counts[state])
    return registry
  }

  async #closeServer(): Promise<void> {
    const server = this.#server
    if (server === undefined) return
    this.#server = undefined
    const waitMs = this.#options.prometheusWaitMs
    if (waitMs > 0) {
      this.#log(
        `scaletest metrics endpoint stays up ${waitMs / 1000}s for a final scrape (SCALETEST_PROMETHEUS_WAIT)`,
      )
      await sleep(waitMs)
    }
    await server.close()
  }

  /** Vitest's default, verbose, tree and dot reporters redraw the bottom of a terminal. */
  #vitestDrawsWindow(): boolean {
    const reporters = this.#vitest?.config.reporters ?? []
    return reporters.some((r) => {
      const name = Array.isArray(r) ? r[0] : r
      if (typeof name === 'string') return WINDOW_REPORTERS.has(name)
      return r instanceof DefaultReporter || r instanceof DotReporter
    })
  }

  #reset(): void {
    this.#aggregate = new MetricsAggregate()
    this.#harness = []
    this.#shards = new ShardCensus()
    this.#tests = []
    this.#counts = { passed: 0, failed: 0, skipped: 0, withScaletest: 0 }
    this.#live = new Map()
    this.#finished = new Set()
    this.#endedModules = 0
    this.#thresholdResults = undefined
    this.#startedAt = Date.now()
  }

  #log(message: string): void {
    this.#vitest?.logger.log(message)
  }

  #warn(message: string): void {
    this.#vitest?.logger.warn(`WARN: ${message}`)
  }
}
