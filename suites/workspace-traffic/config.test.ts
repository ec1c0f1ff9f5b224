import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadWorkspaceTrafficConfig } from './config.ts'

describe('workspace-traffic config', () => {
  it("has Coder's defaults for the traffic and short ones for the duration", () => {
    expect(loadWorkspaceTrafficConfig({})).toEqual({
      bytesPerTick: 1024,
      tickIntervalMs: 100,
      durationMs: 5000,
      app: '',
      template: '',
      targets: undefined,
      fleetCount: 3,
    })
  })

  it("parses --target-workspaces with Coder's errors", () => {
    expect(loadWorkspaceTrafficConfig({ CODER_SCALETEST_TARGET_WORKSPACES: '2:5' }).targets).toEqual({
      start: 2,
      end: 5,
    })
    for (const [value, message] of [
      ['3:3', 'start and end cannot be equal'],
      ['5:2', 'end cannot be less than start'],
      ['1', 'invalid target workspaces "1"'],
    ])
      expect(() => loadWorkspaceTrafficConfig({ CODER_SCALETEST_TARGET_WORKSPACES: value })).toThrow(message)
  })

  it('rejects bad values and the modes it cannot carry before anything starts', () => {
    expect(() =>
      loadWorkspaceTrafficConfig({
        CODER_SCALETEST_WORKSPACE_TRAFFIC_BYTES_PER_TICK: '1',
        CODER_SCALETEST_WORKSPACE_TRAFFIC_TICK_INTERVAL: '0s',
      }),
    ).toThrow(ConfigError)
    expect(() => loadWorkspaceTrafficConfig({ CODER_SCALETEST_WORKSPACE_TRAFFIC_SSH: 'true' })).toThrow(
      /SSH traffic is not supported: it needs a tailnet/,
    )
    expect(() =>
      loadWorkspaceTrafficConfig({
        CODER_SCALETEST_WORKSPACE_TRAFFIC_SSH: 'true',
        CODER_SCALETEST_WORKSPACE_TRAFFIC_APP: 'wsec',
        CODER_SCALETEST_WORKSPACE_PROXY_URL: 'https://proxy.example',
      }),
    ).toThrow(
      [
        'invalid workspace-traffic configuration:',
        '  CODER_SCALETEST_WORKSPACE_TRAFFIC_SSH="true": validate ssh: must be false when app is used',
        '  CODER_SCALETEST_WORKSPACE_PROXY_URL="https://proxy.example": workspace proxies are not supported: the traffic goes through coderd',
      ].join('\n'),
    )
  })

  it('takes an app slug for the app mode', () => {
    expect(loadWorkspaceTrafficConfig({ CODER_SCALETEST_WORKSPACE_TRAFFIC_APP: 'wsec' }).app).toBe('wsec')
  })
})
