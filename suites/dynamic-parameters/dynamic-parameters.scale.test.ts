// Many dynamic-parameter sessions at once, spread over template versions whose caches start cold:
// how long the first form and one change take. Rebuilds `coder exp scaletest dynamic-parameters`.

import { concurrent, expect, scaleTest } from '@scaletest/vitest'
import { loadDynamicParametersConfig } from './config.ts'
import { CHANGE_METRIC, dynamicParametersMetrics, INITIAL_METRIC } from './runner/metrics.ts'
import { evaluationRunner } from './runner/run.ts'
import { setupPartitions } from './runner/setup.ts'

scaleTest(
  'concurrent dynamic-parameter evaluations answer the first form and a change in time',
  async ({ coder, harness, metrics, logger }) => {
    const config = loadDynamicParametersConfig(process.env)
    metrics.thresholds({
      [INITIAL_METRIC]: [`p(99)<${config.initialP99Seconds}`],
      [CHANGE_METRIC]: [`p(99)<${config.changeP99Seconds}`],
    })
    const events = dynamicParametersMetrics(metrics)
    const org = config.organization
      ? await coder.organization(config.organization)
      : await coder.defaultOrganization()

    // 1. The template and one version per partition, imported by daemons matching the tags.
    const partitions = await setupPartitions(coder, org, config, (m) => logger.info(m))

    // 2. Every evaluation at once (no cleanup: a session is just a connection).
    partitions.forEach((partition, i) => {
      for (let j = 0; j < partition.concurrentEvaluations; j++)
        harness.add(
          'dynamic-parameters',
          `${j}/${i}`,
          evaluationRunner({
            owner: coder,
            metrics: events,
            versionId: partition.version.id,
            concurrentEvaluations: partition.concurrentEvaluations,
          }),
        )
    })
    const results = await harness.run(concurrent())

    expect(results).toHaveNoFailures()
  },
)
