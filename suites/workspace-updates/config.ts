// The workspace-updates scenario's knobs, read from the environment variables of Coder's
// `coder exp scaletest workspace-updates` flags (cli/exp_scaletest.go), and Coder's plan of
// power users and regular users. Every bad value is reported before anything is created.

import { z } from 'zod'

import { knob, parseKnobs } from '@scaletest/vitest'

const schema = z.object({
  CODER_SCALETEST_WORKSPACE_COUNT: knob.int(10, 1),
  CODER_SCALETEST_POWER_USER_WORKSPACES: knob.int(3, 2),
  CODER_SCALETEST_POWER_USER_PERCENTAGE: knob.number(
    50,
    (n) => n >= 0 && n <= 100,
    'a number between 0 and 100',
  ),
  CODER_SCALETEST_WORKSPACE_UPDATES_TIMEOUT: knob.duration('5m'),
  CODER_SCALETEST_DIAL_TIMEOUT: knob.duration('2m'),
  CODER_SCALETEST_TEMPLATE: z.string().optional(),
})

export interface UserPlan {
  /** Users owning `powerUserWorkspaces` each. */
  powerUsers: number
  powerUserWorkspaces: number
  /** Users owning one workspace each. */
  regularUsers: number
  /** After Coder's rounding: power users' workspaces are a multiple of powerUserWorkspaces. */
  totalWorkspaces: number
}

export interface WorkspaceUpdatesConfig {
  plan: UserPlan
  workspaceUpdatesTimeoutMs: number
  dialTimeoutMs: number
  /** Name or id; undefined ⇒ the scenario creates an empty template. */
  template: string | undefined
}

export function loadWorkspaceUpdatesConfig(env: Record<string, string | undefined>): WorkspaceUpdatesConfig {
  const v = parseKnobs(schema, env, 'workspace-updates scale test')
  return {
    plan: planUsers(
      v.CODER_SCALETEST_WORKSPACE_COUNT,
      v.CODER_SCALETEST_POWER_USER_WORKSPACES,
      v.CODER_SCALETEST_POWER_USER_PERCENTAGE,
    ),
    workspaceUpdatesTimeoutMs: v.CODER_SCALETEST_WORKSPACE_UPDATES_TIMEOUT,
    dialTimeoutMs: v.CODER_SCALETEST_DIAL_TIMEOUT,
    template: v.CODER_SCALETEST_TEMPLATE?.trim() || undefined,
  }
}

/**
 * Coder's distribution: the power users' share of workspaces is rounded down to a multiple of
 * `perPowerUser` (the remainder is dropped from the total too), and every other workspace gets a
 * user of its own.
 */
export function planUsers(workspaceCount: number, perPowerUser: number, percentage: number): UserPlan {
  let powerWorkspaces = Math.floor((workspaceCount * percentage) / 100)
  const remainder = powerWorkspaces % perPowerUser
  const totalWorkspaces = workspaceCount - remainder
  powerWorkspaces -= remainder
  return {
    powerUsers: powerWorkspaces / perPowerUser,
    powerUserWorkspaces: perPowerUser,
    regularUsers: totalWorkspaces - powerWorkspaces,
    totalWorkspaces,
  }
}
