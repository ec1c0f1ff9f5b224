import type { DockerProbe } from '@scaletest/mocks/containers'
import type { MocksEnv, MocksProvider } from './mocks-env.ts'
import { mocksToStart } from './mocks-env.ts'
import { MocksError } from './mocks-error.ts'

export interface ProviderChoice {
  provider: MocksProvider
  /** One sentence for the log: which provider and why. */
  reason: string
}

/**
 * Picks how this run gets its mocks. Explicit SCALETEST_MOCKS wins; with every endpoint given by
 * the environment nothing is started; otherwise containers when Docker can run them, else child
 * processes. SCALETEST_REQUIRE_DOCKER=1 (CI) turns a missing engine into an error in every case.
 */
export async function chooseProvider(
  env: MocksEnv,
  probeDocker: () => Promise<DockerProbe>,
): Promise<ProviderChoice> {
  const needed = mocksToStart(env)
  const wantsContainers = env.provider === 'container' || (env.provider === undefined && needed.length > 0)
  const docker = wantsContainers || env.requireDocker ? await probeDocker() : undefined
  if (docker && !docker.available && (env.requireDocker || env.provider === 'container')) {
    const why = env.provider === 'container' ? 'SCALETEST_MOCKS=container' : 'SCALETEST_REQUIRE_DOCKER=1'
    throw new MocksError('SCALETEST_DOCKER_REQUIRED', `${why} but ${docker.reason}; fix: ${docker.fix}`)
  }

  if (env.provider === 'external' || (env.provider === undefined && needed.length === 0)) {
    if (needed.length > 0 && env.provider === 'external')
      throw new MocksError(
        'SCALETEST_MOCKS_BAD_ENV',
        `SCALETEST_MOCKS=external but no endpoint is given for ${needed.join(', ')}; ` +
          'set SCALETEST_LLM_URL, SCALETEST_SMTP_API_URL (+ SCALETEST_SMTP_HOST/PORT), CODER_URL + CODER_SESSION_TOKEN, ' +
          'or narrow SCALETEST_MOCKS_START',
      )
    return { provider: 'external', reason: 'every endpoint comes from the environment; no mock is started' }
  }
  if (env.provider) return { provider: env.provider, reason: `SCALETEST_MOCKS=${env.provider}` }
  if (docker?.available)
    return {
      provider: 'container',
      reason: `Docker engine ${docker.engine} answers and ${docker.image} is built`,
    }
  const why = docker && !docker.available ? docker.reason : 'Docker was not probed'
  return {
    provider: 'process',
    reason: `${why}; set SCALETEST_MOCKS=container (or SCALETEST_REQUIRE_DOCKER=1) to require containers`,
  }
}
