// The `--app` target of one workspace (Coder: cli/exp_scaletest.go createWorkspaceAppConfig): the
// agent's app with that slug, dialled at its path-based URL `<deployment>/@owner/workspace.agent/
// apps/slug/` — with the trailing slash coderd would otherwise 307-redirect to, which a WebSocket
// dial does not follow. Subdomain apps need the deployment's wildcard app host; this suite refuses
// them (the simulator has no app host to serve them on).

import type { Workspace, WorkspaceAgent } from '@scaletest/vitest'
import type { TrafficTarget } from './conn.ts'

export function appTarget(
  deploymentUrl: string,
  workspace: Workspace,
  agent: WorkspaceAgent,
  slug: string,
): TrafficTarget {
  const app = agent.apps?.find((a) => a.slug === slug)
  if (!app)
    throw new Error(`configure workspace app: app "${slug}" not found in workspace "${workspace.name}"`)
  if (app.subdomain)
    throw new Error(
      `configure workspace app: app "${slug}" is a subdomain app; this suite sends traffic to path-based apps only`,
    )
  const e = encodeURIComponent
  const path = `@${e(workspace.owner_name)}/${e(workspace.name)}.${e(agent.name)}/apps/${e(slug)}/`
  return { kind: 'app', slug, url: new URL(path, deploymentUrl) }
}
