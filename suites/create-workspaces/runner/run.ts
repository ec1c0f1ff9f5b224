// One create-workspaces runner per workspace (Coder: scaletest/createworkspaces/run.go). Unless
// the host login is used it creates its user and logs in on its own HTTP connections (each runner
// its own client: coder/coder#21288), then runs Coder's workspacebuild runner: create, wait for
// the build, wait for the agents. An external agent is only asked for its credentials once the
// build job has succeeded (before that Coder answers 404: the upstream race). Then, if asked, one
// command over reconnecting PTY on the first agent. Cleanup: the workspace (cancel, wait, delete,
// wait), then the user.

import {
  buildWorkspace,
  type CoderClient,
  clientFor,
  createScaletestUser,
  deleteWorkspaceAndWait,
  firstAgent,
  type Runner,
  type ScaletestUser,
  scaletestWorkspaceName,
  type Workspace,
} from '@scaletest/vitest'
import type { CreateWorkspacesConfig } from '../config.ts'
import { runCommand } from './run-command.ts'

export interface CreateWorkspacesRunnerDeps {
  owner: CoderClient
  /** The host login's token (CODER_SCALETEST_USE_HOST_LOGIN). */
  hostToken: string
  organizationId: string
  templateId: string
  tag: string
}

export function createWorkspacesRunner(config: CreateWorkspacesConfig, deps: CreateWorkspacesRunnerDeps) {
  let user: ScaletestUser | undefined
  let workspaceId: string | undefined
  const timings: Record<string, number> = {}

  return {
    async run({ id, signal, log, http }) {
      const dispatcher = http().dispatcher
      let client: CoderClient
      if (config.useHostLogin) client = deps.owner.withSessionToken(deps.hostToken, { dispatcher })
      else {
        user = await createScaletestUser(deps.owner, {
          organizationId: deps.organizationId,
          id,
          tag: deps.tag,
          signal,
        })
        log(`created user ${user.user.username}`)
        client = await clientFor(deps.owner, user, { dispatcher, signal })
      }
      await using _client = client
      const started = performance.now()
      let workspace: Workspace = await buildWorkspace(client, {
        templateId: deps.templateId,
        name: scaletestWorkspaceName(deps.tag, id),
        richParameterValues: config.richParameterValues,
        retry: config.retry,
        noWaitForAgents: true,
        onCreated: (w) => {
          workspaceId = w.id
        },
        signal,
        log,
      })
      timings.build_seconds = (performance.now() - started) / 1000
      if (workspace.latest_build.has_external_agent) await startExternalAgents(client, workspace, signal, log)
      if (!config.noWaitForAgents) {
        workspace = await client.waitForAgents(workspace.id, { intervalMs: 1_000, signal })
        timings.agents_seconds = (performance.now() - started) / 1000
        log('agents connected')
      }
      if (config.runCommand) {
        const agent = firstAgent(workspace)
        if (!agent) throw new Error(`workspace ${workspace.name} has no agent to run the command on`)
        const result = await runCommand(client, agent.id, config.runCommand, signal, log)
        timings.command_output_bytes = Buffer.byteLength(result.output)
      }
    },

    async cleanup({ signal, log }) {
      if (config.noCleanup) return
      if (workspaceId) await deleteWorkspaceAndWait(deps.owner, workspaceId, { signal, log })
      if (user) {
        await deps.owner.deleteUser(user.user.id, signal)
        log(`deleted user ${user.user.username}`)
      }
    },

    metrics: () => ({ ...timings }),
  } satisfies Runner
}

/** The build job has succeeded (buildWorkspace waited), so the agents exist and the credentials answer. */
async function startExternalAgents(
  client: CoderClient,
  workspace: Workspace,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<void> {
  const external = (workspace.latest_build.resources ?? []).filter((r) => r.type === 'coder_external_agent')
  for (const agent of external.flatMap((r) => r.agents ?? [])) {
    const credentials = await client.externalAgentCredentials(workspace.id, agent.name, signal)
    if (credentials.agent_token === '') throw new Error(`external agent ${agent.name}: empty token`)
    log(`external agent ${agent.name}: credentials fetched (token not logged)`)
  }
}
