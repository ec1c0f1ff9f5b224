import { MocksError } from './mocks-error.ts'

export const PROVIDERS = ['container', 'process', 'inprocess', 'external'] as const
export type MocksProvider = (typeof PROVIDERS)[number]
export const MOCK_NAMES = ['llm', 'smtp', 'coderd'] as const
export type MockName = (typeof MOCK_NAMES)[number]

/** Endpoints given by the environment; a mock whose endpoint is given is not started. */
export interface ExternalEndpoints {
  llmUrl?: string
  smtpApiUrl?: string
  /** SCALETEST_SMTP_API_URL=none: the run has no email path, so no SMTP mock is started. */
  smtpDisabled?: boolean
  smtpHost?: string
  smtpPort?: number
  coderUrl?: string
  coderSessionToken?: string
}

export interface MocksEnv {
  /** SCALETEST_MOCKS, when set. */
  provider: MocksProvider | undefined
  /** SCALETEST_REQUIRE_DOCKER=1: a missing Docker engine fails the run. */
  requireDocker: boolean
  /** SCALETEST_MOCKS_START: which mocks to start (default all three). */
  start: MockName[]
  external: ExternalEndpoints
  /** SCALETEST_RUN_ID: the label value of this run's containers (default: a random UUID). */
  runId: string | undefined
}

function url(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]
  if (!value) return undefined
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new MocksError(
      'SCALETEST_MOCKS_BAD_ENV',
      `${name}='${value}' is not a URL; expected e.g. http://127.0.0.1:8080`,
    )
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new MocksError('SCALETEST_MOCKS_BAD_ENV', `${name}='${value}' must be an http(s) URL`)
  return value.replace(/\/+$/, '')
}

/** Reads and validates the SCALETEST_* / CODER_* variables that choose the mocks. */
export function readMocksEnv(env: NodeJS.ProcessEnv = process.env): MocksEnv {
  const provider = env.SCALETEST_MOCKS || undefined
  if (provider !== undefined && !(PROVIDERS as readonly string[]).includes(provider))
    throw new MocksError(
      'SCALETEST_MOCKS_BAD_ENV',
      `SCALETEST_MOCKS='${provider}' is not a provider; use one of ${PROVIDERS.join(', ')} (or leave it unset)`,
    )
  const requireDocker = env.SCALETEST_REQUIRE_DOCKER ?? ''
  if (!['', '0', '1', 'true', 'false'].includes(requireDocker))
    throw new MocksError(
      'SCALETEST_MOCKS_BAD_ENV',
      `SCALETEST_REQUIRE_DOCKER='${requireDocker}' must be 1 or 0`,
    )

  const start = (env.SCALETEST_MOCKS_START || MOCK_NAMES.join(',')).split(',').map((s) => s.trim())
  for (const name of start) {
    if (!(MOCK_NAMES as readonly string[]).includes(name))
      throw new MocksError(
        'SCALETEST_MOCKS_BAD_ENV',
        `SCALETEST_MOCKS_START names '${name}'; use a comma-separated subset of ${MOCK_NAMES.join(',')}`,
      )
  }

  const smtpHost = env.SCALETEST_SMTP_HOST || undefined
  const rawPort = env.SCALETEST_SMTP_PORT
  const smtpPort = rawPort ? Number(rawPort) : undefined
  if (smtpPort !== undefined && !(Number.isInteger(smtpPort) && smtpPort > 0 && smtpPort < 65_536))
    throw new MocksError('SCALETEST_MOCKS_BAD_ENV', `SCALETEST_SMTP_PORT='${rawPort}' must be a port number`)
  if ((smtpHost === undefined) !== (smtpPort === undefined))
    throw new MocksError(
      'SCALETEST_MOCKS_BAD_ENV',
      'SCALETEST_SMTP_HOST and SCALETEST_SMTP_PORT must be set together',
    )

  const coderUrl = url(env, 'CODER_URL')
  const coderSessionToken = env.CODER_SESSION_TOKEN || undefined
  if (coderUrl && !coderSessionToken)
    throw new MocksError(
      'SCALETEST_MOCKS_BAD_ENV',
      'CODER_URL is set but CODER_SESSION_TOKEN is not; set both',
    )

  const runId = env.SCALETEST_RUN_ID || undefined
  if (runId !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(runId))
    throw new MocksError(
      'SCALETEST_MOCKS_BAD_ENV',
      `SCALETEST_RUN_ID='${runId}' must be 1-128 of [a-zA-Z0-9_.-]`,
    )

  return {
    provider: provider as MocksProvider | undefined,
    requireDocker: requireDocker === '1' || requireDocker === 'true',
    start: [...new Set(start as MockName[])],
    external: {
      llmUrl: url(env, 'SCALETEST_LLM_URL'),
      ...(env.SCALETEST_SMTP_API_URL === 'none'
        ? { smtpDisabled: true }
        : { smtpApiUrl: url(env, 'SCALETEST_SMTP_API_URL') }),
      smtpHost,
      smtpPort,
      coderUrl,
      coderSessionToken,
    },
    runId,
  }
}

/** The mocks still to start: those asked for whose endpoints the environment does not give. */
export function mocksToStart(env: MocksEnv): MockName[] {
  const given: Record<MockName, boolean> = {
    llm: env.external.llmUrl !== undefined,
    smtp:
      env.external.smtpDisabled === true ||
      env.external.smtpApiUrl !== undefined ||
      env.external.smtpHost !== undefined,
    coderd: env.external.coderUrl !== undefined,
  }
  return env.start.filter((name) => !given[name])
}
