import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadCreateWorkspacesConfig } from './config.ts'

describe('create-workspaces config', () => {
  it("has Coder's defaults", () => {
    expect(loadCreateWorkspacesConfig({})).toEqual({
      count: 1,
      retry: 0,
      template: '',
      richParameterValues: [],
      noWaitForAgents: false,
      runCommand: undefined,
      useHostLogin: false,
      noCleanup: false,
    })
  })

  it('reads the command, its expectations and parameters', () => {
    const config = loadCreateWorkspacesConfig({
      CODER_SCALETEST_RUN_COMMAND: 'echo hi',
      CODER_SCALETEST_RUN_TIMEOUT: '2s',
      CODER_SCALETEST_RUN_EXPECT_OUTPUT: 'hi',
      CODER_RICH_PARAMETER: 'region=eu,size=a=b',
    })
    expect(config.runCommand).toEqual({
      command: 'echo hi',
      timeoutMs: 2000,
      expectTimeout: false,
      expectOutput: 'hi',
      logOutput: false,
    })
    expect(config.richParameterValues).toEqual([
      { name: 'region', value: 'eu' },
      { name: 'size', value: 'a=b' },
    ])
  })

  it('reports every bad value at once, and impossible combinations', () => {
    const bad = () =>
      loadCreateWorkspacesConfig({
        CODER_SCALETEST_COUNT: '0',
        CODER_SCALETEST_RUN_TIMEOUT: 'soon',
        CODER_SCALETEST_NO_CLEANUP: 'maybe',
        CODER_RICH_PARAMETER: 'novalue',
      })
    expect(bad).toThrow(ConfigError)
    try {
      bad()
    } catch (error) {
      expect((error as ConfigError).variables.sort()).toEqual([
        'CODER_RICH_PARAMETER',
        'CODER_SCALETEST_COUNT',
        'CODER_SCALETEST_NO_CLEANUP',
        'CODER_SCALETEST_RUN_TIMEOUT',
      ])
    }
    expect(() => loadCreateWorkspacesConfig({ CODER_SCALETEST_RUN_EXPECT_OUTPUT: 'x' })).toThrow(
      /needs CODER_SCALETEST_RUN_COMMAND/,
    )
    expect(() => loadCreateWorkspacesConfig({ CODER_SCALETEST_CONNECT_URL: 'http://x' })).toThrow(/tailnet/)
    expect(() =>
      loadCreateWorkspacesConfig({
        CODER_SCALETEST_RUN_COMMAND: 'echo',
        CODER_SCALETEST_NO_WAIT_FOR_AGENTS: 'true',
      }),
    ).toThrow(/needs the agents/)
    // Impossible combinations are reported together, each by its variable.
    try {
      loadCreateWorkspacesConfig({
        CODER_SCALETEST_CONNECT_URL: 'http://x',
        CODER_SCALETEST_RUN_EXPECT_TIMEOUT: 'true',
      })
      expect.unreachable()
    } catch (error) {
      expect((error as ConfigError).variables).toEqual([
        'CODER_SCALETEST_CONNECT_URL',
        'CODER_SCALETEST_RUN_COMMAND',
      ])
      expect((error as Error).message).toBe(
        [
          'invalid create-workspaces configuration:',
          '  CODER_SCALETEST_CONNECT_URL="http://x": tailnet connections are not supported by this suite',
          '  CODER_SCALETEST_RUN_COMMAND (unset): CODER_SCALETEST_RUN_EXPECT_* needs CODER_SCALETEST_RUN_COMMAND',
        ].join('\n'),
      )
    }
  })
})
