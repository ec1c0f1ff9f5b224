import { describe, expect, it } from 'vitest'

import { loadConfig } from './config.ts'
import { ConfigError } from './errors.ts'

describe('loadConfig', () => {
  it("uses Coder's defaults when nothing is set", () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      concurrency: 1,
      timeoutMs: 30 * 60_000,
      jobTimeoutMs: 5 * 60_000,
      cleanupConcurrency: 1,
      cleanupTimeoutMs: 30 * 60_000,
      cleanupJobTimeoutMs: 5 * 60_000,
      skipCleanup: false,
      logLevel: 'info',
      teeLogs: false,
      httpTimeoutMs: 30_000,
      httpRetries: 3,
      httpPoolConnections: 16,
      bypassRatelimit: true,
    })
    expect(Number.isInteger(config.seed)).toBe(true)
  })

  it('reads SCALETEST_* variables', () => {
    const config = loadConfig({
      SCALETEST_CONCURRENCY: '0',
      SCALETEST_JOB_TIMEOUT: '1m30s',
      SCALETEST_TIMEOUT: '0',
      SCALETEST_SKIP_CLEANUP: 'yes',
      SCALETEST_LOG_LEVEL: 'debug',
      SCALETEST_HTTP_TIMEOUT: '250ms',
      SCALETEST_BYPASS_RATELIMIT: 'false',
      SCALETEST_SEED: '42',
    })
    expect(config).toMatchObject({
      concurrency: 0,
      jobTimeoutMs: 90_000,
      timeoutMs: 0,
      skipCleanup: true,
      logLevel: 'debug',
      httpTimeoutMs: 250,
      bypassRatelimit: false,
      seed: 42,
    })
  })

  it('fails naming every bad variable and its value', () => {
    let error: unknown
    try {
      loadConfig({ SCALETEST_CONCURRENCY: 'lots', SCALETEST_JOB_TIMEOUT: '30', SCALETEST_LOG_LEVEL: 'loud' })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ConfigError)
    const configError = error as ConfigError
    expect(configError.code).toBe('SCALETEST_CONFIG_INVALID')
    expect(configError.variables.sort()).toEqual([
      'SCALETEST_CONCURRENCY',
      'SCALETEST_JOB_TIMEOUT',
      'SCALETEST_LOG_LEVEL',
    ])
    expect(configError.message).toContain('SCALETEST_CONCURRENCY="lots": expected an integer >= 0')
    expect(configError.message).toContain('SCALETEST_JOB_TIMEOUT="30": expected a duration such as 30s')
    expect(configError.message).toMatch(/SCALETEST_LOG_LEVEL="loud": expected one of debug, info/)
  })

  it.each([
    ['SCALETEST_CONCURRENCY', '-1'],
    ['SCALETEST_HTTP_POOL_CONNECTIONS', '0'],
    ['SCALETEST_SKIP_CLEANUP', 'maybe'],
    ['SCALETEST_HTTP_RETRIES', '1.5'],
  ])('rejects %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}="${value.replace('.', '\\.')}"`))
  })
})
