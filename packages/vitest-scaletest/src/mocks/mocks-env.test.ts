import { describe, expect, it } from 'vitest'

import { mocksToStart, readMocksEnv } from './mocks-env.ts'

describe('readMocksEnv', () => {
  it('defaults to no provider, all three mocks, nothing external', () => {
    expect(readMocksEnv({})).toEqual({
      provider: undefined,
      requireDocker: false,
      start: ['llm', 'smtp', 'coderd'],
      external: {},
      runId: undefined,
    })
  })

  it('reads every variable', () => {
    const env = readMocksEnv({
      SCALETEST_MOCKS: 'process',
      SCALETEST_REQUIRE_DOCKER: '1',
      SCALETEST_MOCKS_START: 'llm, coderd',
      SCALETEST_LLM_URL: 'http://127.0.0.1:18080/',
      SCALETEST_SMTP_API_URL: 'http://127.0.0.1:33299',
      SCALETEST_SMTP_HOST: '127.0.0.1',
      SCALETEST_SMTP_PORT: '33199',
      CODER_URL: 'https://coder.example.com',
      CODER_SESSION_TOKEN: 'secret-token',
      SCALETEST_RUN_ID: 'ci-1234',
    })
    expect(env).toEqual({
      provider: 'process',
      requireDocker: true,
      start: ['llm', 'coderd'],
      external: {
        llmUrl: 'http://127.0.0.1:18080',
        smtpApiUrl: 'http://127.0.0.1:33299',
        smtpHost: '127.0.0.1',
        smtpPort: 33199,
        coderUrl: 'https://coder.example.com',
        coderSessionToken: 'secret-token',
      },
      runId: 'ci-1234',
    })
  })

  it("treats SCALETEST_SMTP_API_URL=none as 'no email path': the SMTP mock is not started", () => {
    const env = readMocksEnv({ SCALETEST_SMTP_API_URL: 'none' })
    expect(env.external).toEqual({ smtpDisabled: true })
    expect(mocksToStart(env)).toEqual(['llm', 'coderd'])
  })

  it.each([
    [
      { SCALETEST_MOCKS: 'docker' },
      /SCALETEST_MOCKS='docker' is not a provider; use one of container, process, inprocess, external/,
    ],
    [{ SCALETEST_REQUIRE_DOCKER: 'yes' }, /SCALETEST_REQUIRE_DOCKER='yes' must be 1 or 0/],
    [{ SCALETEST_MOCKS_START: 'llm,redis' }, /SCALETEST_MOCKS_START names 'redis'/],
    [
      { SCALETEST_LLM_URL: '127.0.0.1:8080' },
      /SCALETEST_LLM_URL='127.0.0.1:8080' (is not a URL|must be an http)/,
    ],
    [{ SCALETEST_SMTP_HOST: 'mail' }, /SCALETEST_SMTP_HOST and SCALETEST_SMTP_PORT must be set together/],
    [
      { SCALETEST_SMTP_HOST: 'mail', SCALETEST_SMTP_PORT: '70000' },
      /SCALETEST_SMTP_PORT='70000' must be a port number/,
    ],
    [{ CODER_URL: 'https://coder.example.com' }, /CODER_URL is set but CODER_SESSION_TOKEN is not/],
    [{ SCALETEST_RUN_ID: 'a b' }, /SCALETEST_RUN_ID='a b' must be/],
  ])('names the bad variable: %o', (env, message) => {
    expect(() => readMocksEnv(env)).toThrow(message)
  })

  it('never puts the session token in an error', () => {
    expect(() => readMocksEnv({ CODER_SESSION_TOKEN: 'secret-token', CODER_URL: 'nope' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret-token') }),
    )
  })
})

describe('mocksToStart', () => {
  it('leaves out each mock whose endpoint the environment gives', () => {
    expect(mocksToStart(readMocksEnv({ SCALETEST_LLM_URL: 'http://x:1' }))).toEqual(['smtp', 'coderd'])
    expect(mocksToStart(readMocksEnv({ SCALETEST_SMTP_HOST: 'x', SCALETEST_SMTP_PORT: '25' }))).toEqual([
      'llm',
      'coderd',
    ])
    expect(
      mocksToStart(
        readMocksEnv({
          CODER_URL: 'http://x:1',
          CODER_SESSION_TOKEN: 't',
          SCALETEST_MOCKS_START: 'coderd,llm',
        }),
      ),
    ).toEqual(['llm'])
  })
})
