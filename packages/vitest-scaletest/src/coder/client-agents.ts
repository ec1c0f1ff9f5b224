import * as a from './agent-schemas.ts'
import { AppWebSocket, type AppWebSocketOptions } from './app-websocket.ts'
import { API, seg } from './client-core.ts'
import { CoderWorkspacesClient } from './client-workspaces.ts'
import { type PollOptions, pollUntil } from './poll.ts'
import { ReconnectingPty, type ReconnectingPtyOptions } from './reconnecting-pty.ts'
import type { PatchAppStatusRequest } from './requests.ts'
import type * as w from './workspace-schemas.ts'

export interface AgentWaitOptions extends PollOptions {
  /** Wait for lifecycle `ready` too, not only status `connected`. Default false (Coder's workspacebuild waits for connected). */
  ready?: boolean
}

/** Workspace agents: reads, the external-agent credentials, the reconnecting PTY, app websockets. */
export class CoderAgentsClient extends CoderWorkspacesClient {
  workspaceAgent(id: string, signal?: AbortSignal): Promise<a.WorkspaceAgentDetail> {
    const path = `${API}/workspaceagents/${seg(id)}`
    return this.transport.json(a.workspaceAgentDetailSchema, 'GET', path, { signal })
  }

  /** The agent token and the start command of a workspace's external agent (enterprise). */
  externalAgentCredentials(
    workspaceId: string,
    agentName: string,
    signal?: AbortSignal,
  ): Promise<a.ExternalAgentCredentials> {
    const path = `${API}/workspaces/${seg(workspaceId)}/external-agent/${seg(agentName)}/credentials`
    return this.transport.json(a.externalAgentCredentialsSchema, 'GET', path, { signal })
  }

  /**
   * Reports an app's status as the agent (agentsdk.Client.PatchAppStatus): call it on a client
   * whose session token is the agent's token (`withSessionToken(credentials.agent_token)`).
   */
  async patchAppStatus(request: PatchAppStatusRequest, signal?: AbortSignal): Promise<void> {
    await this.transport.send('PATCH', `${API}/workspaceagents/me/app-status`, {
      json: { icon: '', needs_user_attention: false, ...request },
      ok: [200],
      signal,
    })
  }

  /** Polls the workspace until every agent of its latest build is connected (and ready, if asked). */
  waitForAgents(workspaceId: string, options: AgentWaitOptions = {}): Promise<w.Workspace> {
    const done = (workspace: w.Workspace) => {
      const agents = (workspace.latest_build.resources ?? []).flatMap((r) => r.agents ?? [])
      return (
        workspace.latest_build.job.status === 'succeeded' &&
        agents.every(
          (agent) => agent.status === 'connected' && (!options.ready || agent.lifecycle_state === 'ready'),
        )
      )
    }
    return pollUntil(
      `wait for the agents of workspace ${workspaceId}`,
      (signal) => this.workspace(workspaceId, { signal }),
      done,
      {
        intervalMs: 1_000,
        ...options,
        describe: (ws) =>
          (ws.latest_build.resources ?? [])
            .flatMap((r) => r.agents ?? [])
            .map((agent) => `${agent.name} ${agent.status}/${agent.lifecycle_state}`)
            .join(', ') || `build ${ws.latest_build.status}`,
      },
    )
  }

  /** Dials `/workspaceagents/{id}/pty` with the session cookie; resolves once the socket is open. */
  reconnectingPty(agentId: string, options: ReconnectingPtyOptions = {}): Promise<ReconnectingPty> {
    return ReconnectingPty.dial(this.transport, agentId, options)
  }

  /** Dials a workspace app's URL (path-based: `<deployment>/@owner/workspace.agent/apps/slug/`) with the session token header. */
  appWebSocket(url: URL, options: AppWebSocketOptions = {}): Promise<AppWebSocket> {
    return AppWebSocket.dial(this.transport, url, options)
  }
}
