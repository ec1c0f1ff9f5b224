// The workspace-traffic knobs, from the environment variables of Coder's
// `coder exp scaletest workspace-traffic` flags (cli/exp_scaletest.go). Bad values and the modes
// this suite cannot carry are reported together, before anything is created.

import { z } from 'zod'

import { knob, parseKnobs, parseTargetRange, type TargetRange } from '@scaletest/vitest'

const schema = z.object({
  CODER_SCALETEST_WORKSPACE_TRAFFIC_BYTES_PER_TICK: knob.int(1024, 2),
  CODER_SCALETEST_WORKSPACE_TRAFFIC_TICK_INTERVAL: knob.duration('100ms'),
  CODER_SCALETEST_WORKSPACE_TRAFFIC_SSH: knob.bool(false),
  /** `--app`: the slug of a workspace app to send WebSocket traffic to instead of the PTY. */
  CODER_SCALETEST_WORKSPACE_TRAFFIC_APP: knob.string(''),
  CODER_SCALETEST_WORKSPACE_PROXY_URL: knob.string(''),
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
  /** The app slug (`--app`); empty for the reconnecting PTY. */
  app: string
  template: string
  targets: TargetRange | undefined
  fleetCount: number
}

export function loadWorkspaceTrafficConfig(env: Record<string, string | undefined>): WorkspaceTrafficConfig {
  const v = parseKnobs(schema, env, 'workspace-traffic', (v) => [
    ...(v.CODER_SCALETEST_WORKSPACE_TRAFFIC_SSH
      ? [
          {
            variable: 'CODER_SCALETEST_WORKSPACE_TRAFFIC_SSH',
            message: v.CODER_SCALETEST_WORKSPACE_TRAFFIC_APP
              ? 'validate ssh: must be false when app is used'
              : 'SSH traffic is not supported: it needs a tailnet (WireGuard) connection to the agent, which neither this suite nor the simulator carries; use the reconnecting PTY (default) or CODER_SCALETEST_WORKSPACE_TRAFFIC_APP',
          },
        ]
      : []),
    ...(v.CODER_SCALETEST_WORKSPACE_PROXY_URL
      ? [
          {
            variable: 'CODER_SCALETEST_WORKSPACE_PROXY_URL',
            message: 'workspace proxies are not supported: the traffic goes through coderd',
          },
        ]
      : []),
  ])
  return {
    bytesPerTick: v.CODER_SCALETEST_WORKSPACE_TRAFFIC_BYTES_PER_TICK,
    tickIntervalMs: v.CODER_SCALETEST_WORKSPACE_TRAFFIC_TICK_INTERVAL,
    durationMs: v.CODER_SCALETEST_TIMEOUT,
    app: v.CODER_SCALETEST_WORKSPACE_TRAFFIC_APP,
    template: v.CODER_SCALETEST_TEMPLATE,
    targets: v.CODER_SCALETEST_TARGET_WORKSPACES,
    fleetCount: v.SCALETEST_WORKSPACE_TRAFFIC_FLEET_COUNT,
  }
}
