// Many users send OpenAI or Anthropic requests through Coder's AI Bridge (bridge mode), or straight
// to the upstream as the baseline (direct mode). Rebuilds `coder exp scaletest bridge`
// (cli/exp_scaletest_bridge.go, scaletest/bridge/*).

import { randomBytes } from 'node:crypto'

import { type CoderClient, concurrent, expect, scaleTest } from '@scaletest/vitest'
import { loadBridgeConfig } from './config.ts'
import { bridgeMetrics, REQUESTS } from './runner/metrics.ts'
import { runOpenModel } from './runner/open-model.ts'
import { prepareRequestBody } from './runner/request-body.ts'
import { bridgeRunner } from './runner/run.ts'

scaleTest(
  'every user gets an answer to every request, through the bridge or directly',
  async ({ coder, mocks, harness, metrics, logger, signal, onTestFinished }) => {
    const config = loadBridgeConfig(process.env, mocks.llmUrl)
    logger.info(
      `bridge: ${config.mode} mode, ${config.concurrentUsers} user(s) × ${config.requestCount} ${config.kind} ` +
        `request(s)${config.stream ? ', streamed' : ''}, ${config.requestPayloadSize} B payload in ` +
        `${config.numMessages} message(s)` +
        (config.mode === 'direct' ? `, to ${config.upstreamUrl}` : ''),
    )
    const events = bridgeMetrics(metrics)
    const gate = (expected: number) =>
      metrics.thresholds({
        [`${REQUESTS}{status="failure"}`]: ['sum==0'],
        [`${REQUESTS}{status="success"}`]: [`sum==${expected}`],
      })

    // Bridge mode needs an owner who can create users in an organization (Coder: requireAdmin).
    const organizationId = config.mode === 'bridge' ? (await coder.defaultOrganization()).id : undefined
    const setup = {
      config,
      body: prepareRequestBody(config.kind, config),
      runTag: randomBytes(4).toString('hex'),
      ...(organizationId && { organizationId }),
    }
    const startedAt = new Date()
    const logRecorded = async (total: number) => {
      if (config.mode !== 'bridge') return
      // What coderd recorded for this run's users (before cleanup deletes them).
      const recorded = await countInterceptions(coder, startedAt, `scaletest-${setup.runTag}-`).catch(
        (error: Error) => `not listed (${error.message})`,
      )
      logger.info(`bridge: coderd recorded ${recorded} interception(s) for ${total} request(s)`)
    }

    if (config.openModel) {
      // Ours: a fixed arrival rate instead of Coder's closed loop.
      const open = runOpenModel(setup, { owner: coder, metrics: events, logger, signal, onTestFinished })
      gate(open.scheduled)
      const report = await open.report
      logger.info(
        `bridge: open model ${report.succeeded}/${report.scheduled} succeeded, ${report.failed} failed, ` +
          `${report.dropped} dropped (in-flight cap), achieved ${report.achievedRate.toFixed(1)}/s`,
      )
      await logRecorded(report.started)
      expect(report.dropped).toBe(0)
      return
    }

    const total = config.concurrentUsers * config.requestCount
    gate(total)
    for (let i = 0; i < config.concurrentUsers; i++)
      harness.add('bridge', String(i), bridgeRunner(setup, { owner: coder, metrics: events }))
    const results = await harness.run(concurrent())
    await logRecorded(total)
    expect(results).toHaveNoFailures()
  },
)

/** Interceptions since `since` whose initiator's username starts with `prefix`, a page of 1000 at a time. */
async function countInterceptions(coder: CoderClient, since: Date, prefix: string): Promise<number> {
  let count = 0
  let afterId: string | undefined
  for (let page = 0; page < 100; page++) {
    const { results } = await coder.aibridgeInterceptions({
      started_after: new Date(since.getTime() - 1),
      limit: 1000,
      ...(afterId && { after_id: afterId }),
    })
    count += results.filter((r) => r.initiator.username.startsWith(prefix)).length
    if (results.length < 1000) break
    afterId = results.at(-1)!.id
  }
  return count
}
