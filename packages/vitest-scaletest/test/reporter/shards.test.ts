import { readFile } from 'node:fs/promises'

import { describe, expect, it } from 'vitest'

import { MetricsAggregate } from '../../src/metrics/aggregate.ts'
import { histogramStats } from '../../src/metrics/series-stats.ts'
import type { ScaletestResults } from '../../src/reporter/index.ts'
import { latencySamples, rawPercentile, withinHdrPrecision } from './samples.ts'
import { configFile, createProject, runCli, scenarioFile } from './vitest-project.ts'

describe('metrics merged across shards', () => {
  it('keeps HDR histograms through --shard + blob reporter + --merge-reports', {
    timeout: 60_000,
  }, async () => {
    await using project = await createProject({
      'vitest.config.ts': configFile({
        thresholds: {
          'notification_delivery_latency_seconds{notification_type="websocket"}': ['count==3000'],
        },
        progress: 'never',
      }),
      'strict.config.ts': configFile({
        thresholds: { notification_delivery_latency_seconds: ['count<6000'] },
        progress: 'never',
      }),
      'a.scale.test.ts': scenarioFile({ seed: 10, count: 3000 }),
      'b.scale.test.ts': scenarioFile({ seed: 20, count: 3000 }),
    })
    for (const shard of ['1/2', '2/2']) {
      const run = await runCli(project, ['run', '--reporter=blob', `--shard=${shard}`])
      expect(run.status, run.stdout + run.stderr).toBe(0)
      expect(run.stdout).toContain('blob report written to')
      // shards run with the blob reporter only: no scaletest output of their own
      expect(run.stdout).not.toContain('scaletest summary')
    }
    const merged = await runCli(project, ['run', '--merge-reports'])
    expect(merged.status, merged.stdout + merged.stderr).toBe(0)

    const results = JSON.parse(
      await readFile(project.path('scaletest-results/results.json'), 'utf8'),
    ) as ScaletestResults
    expect(results.tests.map((t) => t.module).sort()).toEqual(['a.scale.test.ts', 'b.scale.test.ts'])
    const raw = [...latencySamples(3000, 10), ...latencySamples(3000, 20)]
      .map((s) => s / 1000)
      .filter((_, i) => (i % 3000) % 2 === 0) // websocket samples of each file
    const series = results.summary.notification_delivery_latency_seconds!.find(
      (s) => s.labels.notification_type === 'websocket',
    )!
    const stats = series.stats as Record<string, number>
    expect(stats.count).toBe(3000)
    for (const p of [50, 90, 95, 99])
      expect(withinHdrPrecision(stats[`p${p}`]!, rawPercentile(raw, p)), `p${p}`).toBe(true)
    expect(results.harness.total_runs).toBe(4)

    // The time series merged the same way: its intervals re-merged give the totals exactly.
    const intervals = new MetricsAggregate()
    for (const interval of results.metrics.intervals!) intervals.add({ version: 1, ...interval })
    const fromIntervals = histogramStats(
      intervals.combinedHistogram('notification_delivery_latency_seconds', {
        notification_type: 'websocket',
      })!,
      1e-6,
    )
    expect(fromIntervals).toEqual(stats)
    const perInterval = results.timeseries!.metrics.notification_delivery_latency_seconds!.series.find(
      (s) => s.labels.notification_type === 'websocket',
    ) as { count: number[] }
    expect(perInterval.count.reduce((a, b) => a + b, 0)).toBe(3000)
    expect(results.thresholds).toEqual({
      ok: true,
      results: [
        {
          selector: 'notification_delivery_latency_seconds{notification_type="websocket"}',
          expression: 'count==3000',
          ok: true,
          actual: 3000,
        },
      ],
    })

    // the same blobs merged under a config whose threshold the merged count (6000) violates
    const strict = await runCli(project, ['run', '--merge-reports', '--config', 'strict.config.ts'])
    expect(strict.status, strict.stdout + strict.stderr).toBe(1)
    expect(strict.stdout + strict.stderr).toContain(
      "threshold notification_delivery_latency_seconds 'count<6000' failed: measured 6000",
    )
  })
})
