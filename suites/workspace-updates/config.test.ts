import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadWorkspaceUpdatesConfig, planUsers } from './config.ts'

describe('workspace-updates config', () => {
  it("defaults to Coder's flag defaults, with a small fleet", () => {
    expect(loadWorkspaceUpdatesConfig({})).toEqual({
      plan: { powerUsers: 1, powerUserWorkspaces: 3, regularUsers: 5, totalWorkspaces: 8 },
      workspaceUpdatesTimeoutMs: 300_000,
      dialTimeoutMs: 120_000,
      template: undefined,
    })
  })

  it("plans power and regular users as Coder's CLI does", () => {
    // 1000 × 50% = 500 power workspaces, a multiple of 10: 50 power users, 500 regular users.
    expect(planUsers(1000, 10, 50)).toEqual({
      powerUsers: 50,
      powerUserWorkspaces: 10,
      regularUsers: 500,
      totalWorkspaces: 1000,
    })
    // 100 × 33.3% = 33 → 32 (remainder 1 dropped from the total too): 4 power users, 67 regular.
    expect(planUsers(100, 8, 33.3)).toEqual({
      powerUsers: 4,
      powerUserWorkspaces: 8,
      regularUsers: 67,
      totalWorkspaces: 99,
    })
    expect(planUsers(5, 2, 0)).toMatchObject({ powerUsers: 0, regularUsers: 5 })
    expect(planUsers(6, 2, 100)).toMatchObject({ powerUsers: 3, regularUsers: 0 })
  })

  it('reports every bad variable at once', () => {
    const load = () =>
      loadWorkspaceUpdatesConfig({
        CODER_SCALETEST_WORKSPACE_COUNT: '-1',
        CODER_SCALETEST_POWER_USER_WORKSPACES: '1',
        CODER_SCALETEST_POWER_USER_PERCENTAGE: '101',
        CODER_SCALETEST_DIAL_TIMEOUT: '0s',
      })
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(
      /WORKSPACE_COUNT="-1"[\s\S]*POWER_USER_WORKSPACES="1": expected an integer >= 2[\s\S]*PERCENTAGE="101"[\s\S]*DIAL_TIMEOUT="0s"/,
    )
  })
})
