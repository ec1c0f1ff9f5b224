import { requireUuid } from '../handlers/common.ts'
import { canSee, findWorkspace } from '../handlers/workspaces.ts'
import { ApiError, notFound } from '../http/api-error.ts'
import { sendJson } from '../http/respond.ts'
import type { SimRoute } from '../sim.ts'
import { agentJson, versionHasExternalAgent } from './agent-json.ts'
import type { AgentLifecycle } from './lifecycle.ts'

/** Agent reads and the external-agent credentials (coderd/workspaceagents.go, enterprise/coderd/workspaceagents.go). */
export function agentRoutes(lifecycle: AgentLifecycle): SimRoute[] {
  return [
    {
      // coderd/workspaceagents.go workspaceAgent: 404 unless the caller may read the workspace.
      method: 'GET',
      pattern: '/api/v2/workspaceagents/:id',
      handler: (ctx) => {
        const agent = ctx.sim.state.agents.agents.get(requireUuid(ctx.params.id!, 'workspaceagent'))
        const workspace = agent && ctx.sim.state.workspaces.get(agent.workspaceId)
        if (!agent || !workspace || !canSee(ctx.user, workspace)) throw notFound()
        sendJson(ctx.res, 200, agentJson(agent))
      },
    },
    {
      // enterprise/coderd/workspaceagents.go workspaceExternalAgentCredentials. The build's
      // has_external_agent comes from its version at once, but its agents only exist once the job
      // has succeeded: asked earlier, Coder answers 404 "External agent '…' not found in workspace."
      method: 'GET',
      pattern: '/api/v2/workspaces/:workspace/external-agent/:agent/credentials',
      handler: (ctx) => {
        const { state } = ctx.sim
        const workspace = findWorkspace(ctx, ctx.params.workspace!)
        const build = state.latestBuild(workspace)
        if (!versionHasExternalAgent(state, build.templateVersionId))
          throw new ApiError(404, 'Workspace does not have an external agent.')
        const name = ctx.params.agent!
        const agent = state.agents.agentsOfBuild(build.id).find((a) => a.name === name)
        if (!agent) throw new ApiError(404, `External agent '${name}' not found in workspace.`)
        const initScriptUrl = `${ctx.sim.baseUrl()}/api/v2/init-script/${agent.operatingSystem}/${agent.architecture}`
        const command =
          agent.operatingSystem === 'windows'
            ? `$env:CODER_AGENT_TOKEN=${JSON.stringify(agent.authToken)}; iwr -useb ${JSON.stringify(initScriptUrl)} | iex`
            : `curl -fsSL ${JSON.stringify(initScriptUrl)} | CODER_AGENT_TOKEN=${JSON.stringify(agent.authToken)} sh`
        lifecycle.credentialsFetched(agent)
        sendJson(ctx.res, 200, { agent_token: agent.authToken, command })
      },
    },
  ]
}
