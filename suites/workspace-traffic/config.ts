// The workspace-traffic knobs, from the environment variables of Coder's
// `coder exp scaletest workspace-traffic` flags (cli/exp_scaletest.go). Bad values are reported
// together, before anything is created.

import { z } from 'zod'

import { knob, parseKnobs, parseTargetRange, type TargetRange } from '@scaletest/vitest'

const schema = z.object({
  CODER_SCALETEST_WORKSPACE_TRAFFIC_BYTES_PER_TICK: knob.int(1024, 2),
  CODER_SCALETEST_WORKSPACE_TRAFFIC_TICK_INTERVAL: knob.duration('100ms'),
  CODER_SCALETEST_WORKSPACE_TRAFFIC_SSH: knob.bool(false),
  CODER_SCALETEST_WORKSPACE_TRAFFIC_APP: knob.string(''),
  CODER_SCALETEST_WORKSPACE_TRAFFIC_WORKSPACE_PROXY_URL: knob.string(''),
  /** Coder runs the traffic for the harness timeout (`--timeout`). */
  CODER_SCALETEST_TIMEOUT: knob.duration('5s'),
  CODER_SCALETEST_TEMPLATE: knob.string(''),
  CODER_SCALETEST_TARGET_WORKSPACES: knob.parsed((raw) => parseTargetRange('workspaces', raw)),
  /** Ours: with no scaletest workspace to target, build this many first (0 = fail as Coder does). */
  SCALETEST_WORKSPACE_TRAFFIC_FLEET_COUNT: knob.int(3, 0),
})

export interface WorkspaceTrafficConfig {
  bytesPerTick: number
  tickIntervalMs: number
  durationMs: number
  template: string
  targets: TargetRange | undefined
  fleetCount: number
}

export function loadWorkspaceTrafficConfig(env: Record<string, string | undefined>): WorkspaceTrafficConfig {
  const v = parseKnobs(schema, env, 'workspace-traffic', (v) =>
    (
      [
        [
          'CODER_SCALETEST_WORKSPACE_TRAFFIC_SSH',
          v.CODER_SCALETEST_WORKSPACE_TRAFFIC_SSH,
          'SSH over tailnet',
        ],
        [
          'CODER_SCALETEST_WORKSPACE_TRAFFIC_APP',
          v.CODER_SCALETEST_WORKSPACE_TRAFFIC_APP,
          'workspace app websockets',
        ],
        [
          'CODER_SCALETEST_WORKSPACE_TRAFFIC_WORKSPACE_PROXY_URL',
          v.CODER_SCALETEST_WORKSPACE_TRAFFIC_WORKSPACE_PROXY_URL,
          'workspace proxies',
        ],
      ] as const
    )
      .filter(([, value]) => value !== false && value !== '')
      .map(([variable, , what]) => ({
        variable,
        message: `${what} are not supported yet; the traffic goes over reconnecting PTY`,
      })),
  )
  return {
    bytesPerTick: v.CODER_SCALETEST_WORKSPACE_TRAFFIC_BYTES_PER_TICK,
    tickIntervalMs: v.CODER_SCALETEST_WORKSPACE_TRAFFIC_TICK_INTERVAL,
    durationMs: v.CODER_SCALETEST_TIMEOUT,
    template: v.CODER_SCALETEST_TEMPLATE,
    targets: v.CODER_SCALETEST_TARGET_WORKSPACES,
    fleetCount: v.SCALETEST_WORKSPACE_TRAFFIC_FLEET_COUNT,
  }
}
