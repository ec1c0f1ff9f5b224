import { LABEL_RUN_ID } from './mocks-image.ts'
import { runtimeClient } from './runtime-client.ts'

export interface RemovedResources {
  containers: number
  networks: number
}

/**
 * Force-removes every container and then every network labelled with `runId`. Safe to call more
 * than once and concurrently with a normal stop: resources already gone are not errors.
 */
export async function removeRunResources(runId: string): Promise<RemovedResources> {
  const docker = (await runtimeClient()).container.dockerode
  const filters = JSON.stringify({ label: [`${LABEL_RUN_ID}=${runId}`] })
  const containers = await docker.listContainers({ all: true, filters })
  await Promise.all(
    containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreGone)),
  )
  const networks = await docker.listNetworks({ filters })
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(ignoreGone)))
  return { containers: containers.length, networks: networks.length }
}

/** Lists the ids of the containers labelled with `runId` (running or not). */
export async function listRunContainers(runId: string): Promise<string[]> {
  const docker = (await runtimeClient()).container.dockerode
  const filters = JSON.stringify({ label: [`${LABEL_RUN_ID}=${runId}`] })
  return (await docker.listContainers({ all: true, filters })).map((c) => c.Id)
}

function ignoreGone(error: unknown): void {
  const status = (error as { statusCode?: number }).statusCode
  if (status === 404 || status === 409) return // gone, or already being removed
  throw error
}
