import type { Registry } from 'prom-client'
import { Pushgateway } from 'prom-client'

/**
 * PUT the registry to a Pushgateway group {job, instance}: the group is replaced, so a re-run
 * never leaves stale series behind.
 */
export async function pushToGateway(
  url: string,
  registry: Registry,
  grouping: { job: string; instance: string; shard?: string },
) {
  const gateway = new Pushgateway(url, { timeout: 10_000 }, registry)
  const { job, ...groupings } = grouping
  try {
    await gateway.push({ jobName: job, groupings })
  } catch (error) {
    // prom-client's message can include the URL; keep only origin + path (no credentials).
    const safe = new URL(url)
    safe.username = ''
    safe.password = ''
    throw new Error(
      `push to Pushgateway ${safe.origin}${safe.pathname} failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    )
  }
}
