// Coder's experiments (codersdk/deployment.go `Experiment`, coderd/experiments.go): the deployment
// enables some by CODER_EXPERIMENTS and gates experimental routes on them.

import { ApiError } from '../http/api-error.ts'
import { sendJson } from '../http/respond.ts'
import type { SimRoute } from '../sim.ts'

/** `codersdk.ExperimentWorkspaceBuildUpdates`: gates `GET /api/experimental/watch-all-workspacebuilds`. */
export const WORKSPACE_BUILD_UPDATES = 'workspace-build-updates'

/** The experiments this simulator implements (`GET /api/v2/experiments/available` lists them as `safe`). */
export const AVAILABLE_EXPERIMENTS = [WORKSPACE_BUILD_UPDATES] as const

export class Experiments {
  readonly enabled: ReadonlySet<string>

  constructor(enabled: readonly string[]) {
    this.enabled = new Set(enabled)
  }

  /** `httpmw.RequireExperiment`: 403 when the deployment has not enabled `name`. */
  require(name: string): void {
    if (!this.enabled.has(name))
      throw new ApiError(403, `Experiment '${name}' is required but not enabled`, {
        detail: `Enable it with CODER_EXPERIMENTS=${name} (simulator option "experiments").`,
      })
  }

  routes(): SimRoute[] {
    return [
      {
        // coderd/experiments.go handleExperimentsGet: the enabled ones, an array (never null).
        method: 'GET',
        pattern: '/api/v2/experiments',
        handler: (ctx) => sendJson(ctx.res, 200, [...this.enabled]),
      },
      {
        // handleExperimentsAvailable: `codersdk.AvailableExperiments{safe}`.
        method: 'GET',
        pattern: '/api/v2/experiments/available',
        handler: (ctx) => sendJson(ctx.res, 200, { safe: [...AVAILABLE_EXPERIMENTS] }),
      },
    ]
  }
}
