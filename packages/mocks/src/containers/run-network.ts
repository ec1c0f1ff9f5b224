import { randomUUID } from 'node:crypto'

import { StartedNetwork } from 'testcontainers'

import { LABEL_RUN_ID } from './mocks-image.ts'
import { runtimeClient } from './runtime-client.ts'

/**
 * Starts a bridge network for the mocks of one run, labelled with the run id so that cleanup
 * (and a reaper after a crash) finds it the same way as the containers. testcontainers' own
 * `Network` cannot carry labels.
 */
export async function startRunNetwork(
  runId: string,
  labels: Record<string, string> = {},
): Promise<StartedNetwork> {
  const client = await runtimeClient()
  const name = `scaletest-${runId.slice(0, 12)}-${randomUUID().slice(0, 8)}`
  const network = await client.network.create({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { ...labels, [LABEL_RUN_ID]: runId },
  })
  return new StartedNetwork(client, name, network)
}
