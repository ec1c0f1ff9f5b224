// Templates whose presets each want prebuilt workspaces: the reconciler builds them all, then the
// templates move to versions without presets and it tears them all down. Rebuilds
// `coder exp scaletest prebuilds` (cli/exp_scaletest_prebuilds.go).

import { concurrent, expect, Latch, scaleTest } from '@scaletest/vitest'
import { loadPrebuildsConfig } from './config.ts'
import {
  DELETION_JOBS_FAILED_METRIC,
  ERRORS_METRIC,
  JOBS_FAILED_METRIC,
  prebuildMetrics,
} from './runner/metrics.ts'
import { prebuildsRunner } from './runner/run.ts'

scaleTest(
  'the reconciler creates every preset’s prebuilds and deletes them when the presets go',
  async ({ coder, harness, barrier, metrics, logger }) => {
    const config = loadPrebuildsConfig(process.env)
    const templates = config.numTemplates
    const total = templates * config.numPresets * config.numPresetPrebuilds
    logger.info(
      `prebuilds: ${templates} template(s) × ${config.numPresets} preset(s) × ` +
        `${config.numPresetPrebuilds} prebuild(s) = ${total} prebuilt workspaces`,
    )
    metrics.thresholds({
      [ERRORS_METRIC]: ['sum==0'],
      [JOBS_FAILED_METRIC]: ['max==0'],
      [DELETION_JOBS_FAILED_METRIC]: ['max==0'],
    })
    const organization = await coder.defaultOrganization()
    const { reconciliation_paused: wasPaused } = await coder.prebuildsSettings()
    const reconciler = (paused: boolean, why: string) => {
      logger.info(`${paused ? 'pausing' : 'resuming'} the prebuilds reconciler: ${why}`)
      return coder.putPrebuildsSettings({ reconciliation_paused: paused })
    }

    // 1. Paused, every runner creates its template (the setup barrier).
    await reconciler(true, 'templates are being created')
    const deps = {
      owner: coder,
      organizationId: organization.id,
      metrics: prebuildMetrics(metrics),
      setup: barrier(templates, { name: 'setup' }),
      creation: barrier(templates, { name: 'creation' }),
      deletionSetup: new Latch<void>({ name: 'deletion-setup' }),
      deletion: barrier(templates, { name: 'deletion' }),
    }
    for (let i = 0; i < templates; i++) harness.add('prebuilds', String(i), prebuildsRunner(config, deps))
    const run = harness.run(concurrent())
    try {
      // 2. Resume: the reconciler builds every prebuild (the creation barrier).
      await deps.setup.wait()
      await reconciler(false, 'every template exists')
      await deps.creation.wait()
      // 3. Pause before the presets go, so no deletion starts early (Coder #20600).
      await reconciler(true, 'every prebuild exists')
      deps.deletionSetup.set()
      await deps.deletion.wait()
      // 4. Resume: the reconciler deletes every prebuild.
      await reconciler(false, 'every template has a version without presets')
    } catch (error) {
      deps.deletionSetup.fail(error)
      harness.abort(`prebuilds: ${(error as Error).message}`)
    }
    const results = await run
    try {
      // Hold the reconciler while cleanup deletes what is left, so it does not rebuild it.
      await reconciler(true, 'cleanup deletes the templates')
      await harness.cleanup()
    } finally {
      await reconciler(wasPaused, 'restoring the setting found at start')
    }

    expect(results).toHaveNoFailures()
  },
)
