import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

import { describe, expect, it } from 'vitest'

import type { ScaletestResults } from '../../src/reporter/index.ts'
import { configFile, createProject, runCli, scenarioFile } from './vitest-project.ts'

const thresholds = {
  'notification_delivery_latency_seconds{notification_type="smtp"}': ['p(99)<5', 'max<30'],
  notification_delivery_missed_total: ['count==0'],
}

describe('thresholds gate the Vitest CLI exit code', () => {
  it('a violated threshold fails the run: printed with its value, in results.json and in JUnit', {
    timeout: 30_000,
  }, async () => {
    await using project = await createProject({
      'vitest.config.ts': configFile({ thresholds, progress: 'always', progressIntervalMs: 100 }),
      'notify.scale.test.ts': scenarioFile({ seed: 1, count: 2000, missed: 3 }),
    })
    const run = await runCli(project, ['run'])
    const output = run.stdout + run.stderr
    expect(run.status, output).toBe(1)
    expect(output).toContain(
      'ERROR: scaletest threshold failed: ✗ notification_delivery_missed_total count==0 (measured 3)',
    )
    expect(output).toMatch(/scaletest progress: tests started \d+, passed \d+, failed 0/)

    const results = JSON.parse(
      await readFile(project.path('scaletest-results/results.json'), 'utf8'),
    ) as ScaletestResults
    expect(results.thresholds.ok).toBe(false)
    expect(results.thresholds.results.filter((r) => !r.ok)).toEqual([
      { selector: 'notification_delivery_missed_total', expression: 'count==0', ok: false, actual: 3 },
    ])

    const junit = await readFile(project.path('junit.xml'), 'utf8')
    expect(junit).toMatch(/<testsuites [^>]*errors="1"/)
    expect(junit).toContain('type="ScaletestThresholdError"')
    expect(junit).toContain(
      'threshold notification_delivery_missed_total &apos;count==0&apos; failed: measured 3',
    )
  })

  it('an honest run exits zero and still writes its results', { timeout: 30_000 }, async () => {
    await using project = await createProject({
      'vitest.config.ts': configFile({ thresholds, progress: 'never' }),
      'notify.scale.test.ts': scenarioFile({ seed: 1, count: 2000, missed: 0 }),
    })
    const run = await runCli(project, ['run'])
    expect(run.status, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain('✓ notification_delivery_missed_total count==0 (measured 0)')
    expect(run.stdout + run.stderr).not.toContain('scaletest progress')
    const junit = await readFile(project.path('junit.xml'), 'utf8')
    expect(junit).toMatch(/<testsuites [^>]*failures="0" errors="0"/)
    expect(existsSync(project.path('scaletest-results/metrics.prom'))).toBe(true)
  })

  it('SCALETEST_OUTPUT_DIR moves the files', { timeout: 30_000 }, async () => {
    await using project = await createProject({
      'vitest.config.ts': configFile({ progress: 'never' }),
      'notify.scale.test.ts': scenarioFile({ seed: 1, count: 10 }),
    })
    const run = await runCli(project, ['run'], { SCALETEST_OUTPUT_DIR: 'elsewhere/results' })
    expect(run.status, run.stdout + run.stderr).toBe(0)
    expect(existsSync(project.path('elsewhere/results/results.json'))).toBe(true)
    expect(existsSync(project.path('scaletest-results'))).toBe(false)
  })
})
