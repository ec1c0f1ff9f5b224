// A scenario split over shards is only whole when every shard reported: the merge of a run whose
// shard 2/3 crashed must fail, not pass on two thirds of the load.

import type { ScaletestTaskMeta } from '../context.ts'
import type { ThresholdResult } from '../metrics/index.ts'
import { shardFromEnv } from '../shard/identity.ts'

type ShardMeta = NonNullable<ScaletestTaskMeta['shard']>

export class ShardCensus {
  /**
   * In a shard's own process (SCALETEST_SHARD=i/n), its index: that process sees one shard (the
   * merge sees all), and its live metrics and Pushgateway group carry `shard="<i>"`.
   */
  readonly local: string | undefined = processShard()
  readonly #runs = new Map<string, { count: number; seen: Set<number> }>()

  add(test: string, shard: ShardMeta): void {
    const key = `${shard.runId}\u0000${test}`
    const run = this.#runs.get(key) ?? { count: shard.count, seen: new Set<number>() }
    run.seen.add(shard.index)
    this.#runs.set(key, run)
  }

  /** One failed result per test whose shards did not all report. */
  missing(): ThresholdResult[] {
    const results: ThresholdResult[] = []
    for (const [key, { count, seen }] of this.#runs) {
      const absent = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i))
      if (absent.length === 0) continue
      const [runId, test] = key.split('\u0000')
      results.push({
        selector: 'scaletest_shards',
        expression: `all ${count} shards reported`,
        ok: false,
        actual: null,
        reason: `"${test}" of run ${runId}: no results from shard ${absent.map((i) => `${i}/${count}`).join(', ')}`,
      })
    }
    return results
  }
}

function processShard(): string | undefined {
  try {
    const shard = shardFromEnv(process.env)
    return shard.count > 1 ? String(shard.index) : undefined
  } catch {
    return undefined // a bad SCALETEST_SHARD fails the scenario's own fixture, with its message
  }
}
