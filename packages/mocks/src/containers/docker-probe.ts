import { mocksImage } from './mocks-image.ts'
import { runtimeClient } from './runtime-client.ts'

export type DockerProbe =
  | { available: true; engine: string; image: string }
  | { available: false; reason: string; fix: string }

const PROBE_TIMEOUT_MS = 5_000

/**
 * Whether containers can run the mocks here: a Docker engine answers (as testcontainers finds it)
 * and the mocks image is present locally. Never throws; says why not and what to do.
 */
export async function probeDocker(image = mocksImage()): Promise<DockerProbe> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000}s`)),
      PROBE_TIMEOUT_MS,
    )
  })
  try {
    const client = await Promise.race([runtimeClient(), timeout])
    const runtime = client.info.containerRuntime
    const engine = `${runtime.serverVersion} at ${runtime.host}`
    const dockerode = client.container.dockerode
    const present = await Promise.race([
      dockerode
        .getImage(image)
        .inspect()
        .then(() => true)
        .catch(() => false),
      timeout,
    ])
    if (!present)
      return {
        available: false,
        reason: `image ${image} is not built (the Docker engine answers)`,
        fix: 'npm run build:image (NODE_IMAGE=scaletest/node-base:local without a registry)',
      }
    return { available: true, engine, image }
  } catch (error) {
    return {
      available: false,
      reason: `no Docker engine answers (${firstLine(error)})`,
      fix: 'start one (bash scripts/start-docker.sh) or set DOCKER_HOST',
    }
  } finally {
    clearTimeout(timer)
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!
}

export type DockerTestGate = { run: true } | { run: false; fail: boolean; reason: string }

/**
 * For `*.container.test.ts`: run when Docker can run the mocks; otherwise fail under
 * SCALETEST_REQUIRE_DOCKER=1 (CI) and skip with the reason elsewhere.
 */
export async function dockerTestGate(
  env: NodeJS.ProcessEnv = process.env,
  probe: () => Promise<DockerProbe> = () => probeDocker(mocksImage(env)),
): Promise<DockerTestGate> {
  const result = await probe()
  if (result.available) return { run: true }
  const required = env.SCALETEST_REQUIRE_DOCKER === '1' || env.SCALETEST_REQUIRE_DOCKER === 'true'
  return {
    run: false,
    fail: required,
    reason: `${result.reason}; fix: ${result.fix}${required ? '' : ' (SCALETEST_REQUIRE_DOCKER=1 turns this skip into a failure)'}`,
  }
}
