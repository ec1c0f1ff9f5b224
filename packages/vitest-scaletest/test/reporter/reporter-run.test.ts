import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

import { describe, expect, it } from 'vitest'

import { MetricsAggregate } from '../../src/metrics/aggregate.ts'
import { percentile } from '../../src/metrics/series-stats.ts'
import type { ScaletestResults } from '../../src/reporter/index.ts'
import { ReporterConfigError, ScaletestReporter } from '../../src/reporter/index.ts'
import { requireBinary } from './binaries.ts'
import { latencySamples, rawPercentile, withinHdrPrecision } from './samples.ts'
import {
  configFile,
  createProject,
  runCli,
  runProgrammatic,
  scenarioFile,
  WORKER_ENTRY,
} from './vitest-project.ts'

/** The samples scenarioFile() records for one file, split by notification_type. */
function expectedSamples(seed: number, count: number, tests = 1) {
  const out = { smtp: [] as number[], websocket: [] as number[] }
  for (let t = 0; t < tests; t++) {
    for (const [i, s] of latencySamples(count, seed + t).entries())
      (i % 2 ? out.smtp : out.websocket).push(s / 1000)
  }
  return out
}

describe('ScaletestReporter through the programmatic API', () => {
  it('merges metrics from two files run in two workers, writes results.json and a promtool-clean metrics.prom', {
    timeout: 30_000,
  }, async () => {
    const promtool = requireBinary('/usr/bin/promtool', 'prometheus')
    await using project = await createProject({
      'a.scale.test.ts': scenarioFile({ seed: 100, count: 4000, tests: 2 }),
      'b.scale.test.ts': scenarioFile({ seed: 200, count: 3000 }),
    })
    const run = await runProgrammatic(
      project,
      {
        thresholds: {
          'notification_delivery_latency_seconds{notification_type="smtp"}': ['p(99)<4', 'max<30'],
          notification_delivery_missed_total: ['count==0'],
        },
        outputDir: 'out',
        progress: 'never',
      },
      { pool: 'forks', maxWorkers: 2, fileParallelism: true },
    )
    expect(run.exitCode).toBe(0)
    const results = JSON.parse(await readFile(project.path('out/results.json'), 'utf8')) as ScaletestResults

    // two workers really ran: each file's gauge holds its worker's pid
    const pids = results.summary.scaletest_fixture_worker_pid!.map(
      (s) => (s.stats as { value: number }).value,
    )
    expect(new Set(pids).size).toBe(2)

    const a = expectedSamples(100, 4000, 2)
    const b = expectedSamples(200, 3000)
    for (const type of ['smtp', 'websocket'] as const) {
      const raw = [...a[type], ...b[type]]
      const series = results.summary.notification_delivery_latency_seconds!.find(
        (s) => s.labels.notification_type === type,
      )!
      const stats = series.stats as Record<string, number>
      expect(stats.count).toBe(raw.length)
      expect(stats.max).toBe(Math.max(...raw))
      for (const p of [50, 90, 95, 99]) {
        expect(withinHdrPrecision(stats[`p${p}`]!, rawPercentile(raw, p)), `${type} p${p}`).toBe(true)
      }
    }
    expect(results.harness).toMatchObject({ total_runs: 6, total_pass: 6, total_fail: 0 })
    expect(Object.keys(results.harness.runs)).toHaveLength(6)
    expect(results.tests.map((t) => t.name).sort()).toEqual(['deliveries 0', 'deliveries 0', 'deliveries 1'])
    expect(results.thresholds.ok).toBe(true)
    expect(results.thresholds.results).toHaveLength(3)

    // the serialised HDR in results.json re-merges to the same quantiles
    const reloaded = new MetricsAggregate()
    reloaded.add(results.metrics)
    const smtp = reloaded.combinedHistogram('notification_delivery_latency_seconds', {
      notification_type: 'smtp',
    })!
    const smtpSummary = results.summary.notification_delivery_latency_seconds!.find(
      (s) => s.labels.notification_type === 'smtp',
    )!
    expect(percentile(smtp, 99, 1e-6)).toBe((smtpSummary.stats as Record<string, number>).p99)

    const check = spawnSync(promtool, ['check', 'metrics'], {
      input: await readFile(project.path('out/metrics.prom')),
    })
    expect(check.stdout.toString() + check.stderr.toString()).toBe('')
    expect(check.status).toBe(0)

    expect(run.stdout).toContain('scaletest summary')
    expect(run.stdout).toMatch(/harness: 6 runs, 6 passed, 0 failed/)
    expect(run.stdout).toMatch(/notification_delivery_latency_seconds\{notification_type="smtp"\}\s+5500\s/)
    expect(run.stdout).toContain('✓ notification_delivery_missed_total count==0 (measured 0)')
  })

  it('reads what the real scaletest fixtures (metrics, harness) leave in task.meta', {
    timeout: 30_000,
  }, async () => {
    await using project = await createProject({
      'fixture.scale.test.ts': `import { expect } from 'vitest'
import { scaleTest } from ${JSON.stringify(WORKER_ENTRY)}

scaleTest('runs through the harness', async ({ metrics, harness }) => {
  const latency = metrics.histogram('fixture_latency_seconds', { help: 'latency' })
  const missed = metrics.counter('fixture_missed_total', { help: 'missed' })
  for (let i = 1; i <= 5; i++) {
    harness.add('fixture', String(i), { run: async () => { latency.observe(i / 100, { kind: 'run' }); if (i === 5) throw new Error('run 5 fails') } })
  }
  missed.inc({ kind: 'run' }, 0)
  metrics.thresholds({ 'fixture_latency_seconds{kind="run"}': ['count==5', 'max<=0.05'] })
  const results = await harness.run()
  expect(results.total_fail).toBe(1)
})
`,
    })
    const run = await runProgrammatic(project, { outputDir: 'out', progress: 'never' })
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const results = JSON.parse(await readFile(project.path('out/results.json'), 'utf8')) as ScaletestResults
    expect(results.harness).toMatchObject({ total_runs: 5, total_pass: 4, total_fail: 1 })
    expect(Object.keys(results.harness.runs).sort()).toEqual([
      'fixture/1',
      'fixture/2',
      'fixture/3',
      'fixture/4',
      'fixture/5',
    ])
    expect(results.thresholds.results.map((r) => [r.expression, r.ok, r.actual])).toEqual([
      ['count==5', true, 5],
      ['max<=0.05', true, 0.05],
    ])
    expect(run.stdout).toMatch(/harness: 5 runs, 4 passed, 1 failed/)
  })

  it('stays silent and writes nothing for tests without scaletest data', { timeout: 30_000 }, async () => {
    await using project = await createProject({
      'plain.test.ts': `import { test, expect } from 'vitest'\ntest('adds', () => expect(1 + 1).toBe(2))\n`,
    })
    const run = await runProgrammatic(project, {
      thresholds: { nothing_total: ['count==0'] },
      outputDir: 'out',
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('1 passed')
    expect(run.stdout + run.stderr).not.toMatch(/scaletest/i)
    expect(existsSync(project.path('out'))).toBe(false)
  })

  it('rejects bad threshold syntax when the reporter is created, naming the bad expression', () => {
    expect(() => new ScaletestReporter({ thresholds: { latency_seconds: ['p99<5'] } })).toThrow(
      /threshold "p99<5" on latency_seconds is not valid/,
    )
    expect(() => new ScaletestReporter({ outputdir: 'x' } as never)).toThrow(ReporterConfigError)
  })

  it('stops a CLI run with bad threshold syntax before any test runs', { timeout: 30_000 }, async () => {
    await using project = await createProject({
      'vitest.config.ts': configFile({ thresholds: { 'latency_seconds{type=smtp}': ['p(99)<5'] } }),
      'marker.scale.test.ts': `import { test } from 'vitest'\nimport { writeFileSync } from 'node:fs'\ntest('runs', () => writeFileSync('ran.txt', 'yes'))\n`,
    })
    const run = await runCli(project, ['run'])
    expect(run.status).not.toBe(0)
    expect(run.stdout + run.stderr).toContain('cannot read label matcher at "type=smtp"')
    expect(existsSync(project.path('ran.txt'))).toBe(false)
  })
})
