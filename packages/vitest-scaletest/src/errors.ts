// Errors thrown by the harness, sync primitives, HTTP clients, config and fixtures. Each has a stable
// `code` so callers and reporters can branch on it without parsing messages.

export type ScaletestErrorCode =
  | 'SCALETEST_CONFIG_INVALID'
  | 'SCALETEST_DUPLICATE_RUN'
  | 'SCALETEST_HARNESS_STARTED'
  | 'SCALETEST_HARNESS_NOT_RUN'
  | 'SCALETEST_INVALID_ARGUMENT'
  | 'SCALETEST_RUN_ABORTED'
  | 'SCALETEST_JOB_TIMEOUT'
  | 'SCALETEST_CLEANUP_FAILED'
  | 'SCALETEST_BARRIER_FAILED'
  | 'SCALETEST_BARRIER_TIMEOUT'
  | 'SCALETEST_BARRIER_ABORTED'
  | 'SCALETEST_BARRIER_OVERFLOW'
  | 'SCALETEST_WAIT_TIMEOUT'
  | 'SCALETEST_WAIT_ABORTED'
  | 'SCALETEST_WAIT_CLOSED'
  | 'SCALETEST_HTTP_NETWORK'
  | 'SCALETEST_HTTP_TIMEOUT'
  | 'SCALETEST_HTTP_ABORTED'
  | 'SCALETEST_HTTP_STATUS'
  | 'SCALETEST_MOCKS_NOT_CONFIGURED'
  | 'SCALETEST_SHARD_LOST'
  | 'SCALETEST_SHARD_FAILED'
  | 'SCALETEST_COORDINATOR_FAILED'

/** Base of every error this package throws; subclasses narrow `code`. */
export class ScaletestError<Code extends string = ScaletestErrorCode> extends Error {
  readonly code: Code
  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ScaletestError'
    this.code = code
  }
}

/** A `SCALETEST_*` environment variable (or a config option) has a bad value. */
export class ConfigError extends ScaletestError {
  /** The variables that failed, as spelled in the environment. */
  readonly variables: string[]
  constructor(variables: string[], message: string) {
    super('SCALETEST_CONFIG_INVALID', message)
    this.name = 'ConfigError'
    this.variables = variables
  }
}

/** Misuse of the harness API: duplicate ids, adds after start, bad strategy options. */
export class HarnessError extends ScaletestError {
  constructor(
    code:
      | 'SCALETEST_DUPLICATE_RUN'
      | 'SCALETEST_HARNESS_STARTED'
      | 'SCALETEST_HARNESS_NOT_RUN'
      | 'SCALETEST_INVALID_ARGUMENT',
    message: string,
  ) {
    super(code, message)
    this.name = 'HarnessError'
  }
}

/** Why a run stopped early: its job timeout fired or the whole harness was interrupted. */
export class RunInterruptedError extends ScaletestError {
  constructor(
    code: 'SCALETEST_RUN_ABORTED' | 'SCALETEST_JOB_TIMEOUT',
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options)
    this.name = 'RunInterruptedError'
  }
}

/** One or more runner cleanups failed; `failures` maps full id to the error message. */
export class CleanupError extends ScaletestError {
  readonly failures: Record<string, string>
  constructor(failures: Record<string, string>) {
    const ids = Object.keys(failures)
    const lines = ids.slice(0, 10).map((id) => `  ${id}: ${failures[id]}`)
    if (ids.length > 10) lines.push(`  … and ${ids.length - 10} more`)
    super('SCALETEST_CLEANUP_FAILED', `cleanup failed for ${ids.length} run(s):\n${lines.join('\n')}`)
    this.name = 'CleanupError'
    this.failures = failures
  }
}

export class BarrierError extends ScaletestError {
  constructor(
    code:
      | 'SCALETEST_BARRIER_FAILED'
      | 'SCALETEST_BARRIER_TIMEOUT'
      | 'SCALETEST_BARRIER_ABORTED'
      | 'SCALETEST_BARRIER_OVERFLOW',
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options)
    this.name = 'BarrierError'
  }
}

export class WaitBufferError extends ScaletestError {
  constructor(
    code: 'SCALETEST_WAIT_TIMEOUT' | 'SCALETEST_WAIT_ABORTED' | 'SCALETEST_WAIT_CLOSED',
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options)
    this.name = 'WaitBufferError'
  }
}

/** A request that never produced a response. The message never contains tokens or secrets. */
export class HttpRequestError extends ScaletestError {
  readonly method: string
  /** The URL with secret query parameters redacted. */
  readonly url: string
  readonly attempts: number
  constructor(
    code: 'SCALETEST_HTTP_NETWORK' | 'SCALETEST_HTTP_TIMEOUT' | 'SCALETEST_HTTP_ABORTED',
    message: string,
    details: { method: string; url: string; attempts: number; errorCode?: string },
  ) {
    super(code, message)
    this.name = 'HttpRequestError'
    this.method = details.method
    this.url = details.url
    this.attempts = details.attempts
  }
}

/** A response with an unexpected status (from HttpClient.json()); the body excerpt is redacted. */
export class HttpStatusError extends ScaletestError {
  readonly status: number
  readonly method: string
  readonly url: string
  constructor(message: string, details: { status: number; method: string; url: string }) {
    super('SCALETEST_HTTP_STATUS', message)
    this.name = 'HttpStatusError'
    this.status = details.status
    this.method = details.method
    this.url = details.url
  }
}

/** The `mocks` fixture was used but no globalSetup provided `scaletestMocks`. */
export class MocksNotConfiguredError extends ScaletestError {
  constructor() {
    super(
      'SCALETEST_MOCKS_NOT_CONFIGURED',
      "the 'mocks' fixture needs the scaletest globalSetup: add it to your Vitest config " +
        "(test.globalSetup: ['@scaletest/vitest/node' global setup]) so it can provide('scaletestMocks', …)",
    )
    this.name = 'MocksNotConfiguredError'
  }
}

/** A shard of a distributed run vanished, or the coordinator (Redis) failed. */
export class CoordinatorError extends ScaletestError {
  constructor(
    code: 'SCALETEST_SHARD_LOST' | 'SCALETEST_SHARD_FAILED' | 'SCALETEST_COORDINATOR_FAILED',
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options)
    this.name = 'CoordinatorError'
  }
}
