import { existsSync, readdirSync, readFileSync } from 'node:fs'

import { type ContainerRuntimeClient, getContainerRuntimeClient } from 'testcontainers'

/**
 * testcontainers' client, reaching published ports on 127.0.0.1 when the Docker engine runs on
 * this very machine. Inside a container (/.dockerenv) testcontainers assumes the engine is the
 * host's and answers the bridge gateway (e.g. 172.17.0.1); when dockerd runs beside us, as in CI
 * here, the mocks' ports are published on loopback only and that gateway cannot reach them.
 * An explicit TESTCONTAINERS_HOST_OVERRIDE or a remote DOCKER_HOST is left alone.
 */
export function runtimeClient(env: NodeJS.ProcessEnv = process.env): Promise<ContainerRuntimeClient> {
  const localSocket = env.DOCKER_HOST === undefined || env.DOCKER_HOST.startsWith('unix://')
  if (
    env.TESTCONTAINERS_HOST_OVERRIDE === undefined &&
    localSocket &&
    existsSync('/.dockerenv') &&
    dockerdRunsHere()
  )
    env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1'
  return getContainerRuntimeClient()
}

function dockerdRunsHere(): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd') return true
    } catch {
      // the process ended while we looked
    }
  }
  return false
}
