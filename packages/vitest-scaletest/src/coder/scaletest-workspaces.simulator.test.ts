import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { externalAgentAppTemplateTf } from '../fleet/template.ts'
import { CoderApiError } from './errors.ts'
import {
  deleteWorkspaceAfterBuild,
  scaletestTemplate,
  scaletestTemplateForTest,
} from './scaletest-workspaces.ts'
import { createUserClient, type SimulatorSession, startSimulatorSession } from './simulator-setup.ts'

let session: SimulatorSession

beforeAll(async () => {
  // Builds long enough that cleanup meets them running.
  session = await startSimulatorSession({ jobDurationMs: 600 })
})
afterAll(() => session?.close())

describe('scaletest workspace wiring (simulator)', () => {
  it('creates an empty template, or finds one by name or id', async () => {
    const made = await scaletestTemplate(session.owner, {
      organizationId: session.org.id,
      ref: undefined,
      tag: 'wiring',
    })
    expect(made).toMatchObject({ created: true, template: { name: 'scaletest-wiring' } })
    const byName = await scaletestTemplate(session.owner, {
      organizationId: session.org.id,
      ref: 'scaletest-wiring',
      tag: 'x',
    })
    const byId = await scaletestTemplate(session.owner, {
      organizationId: session.org.id,
      ref: made.template.id,
      tag: 'x',
    })
    expect([byName, byId].map((t) => [t.created, t.template.id])).toEqual([
      [false, made.template.id],
      [false, made.template.id],
    ])
  })

  it('deletes a workspace whose build is still running without cancelling it (a member’s cancel is a 403)', async () => {
    const { template } = await scaletestTemplate(session.owner, {
      organizationId: session.org.id,
      ref: undefined,
      tag: 'nocancel',
    })
    await session.owner.updateTemplate(template.id, { allow_user_cancel_workspace_jobs: false })
    const { client } = await createUserClient(session)
    const ws = await client.createWorkspace({ name: 'busy', template_id: template.id })
    const refused = await client.cancelWorkspaceBuild(ws.latest_build.id).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(refused).toBeInstanceOf(CoderApiError)
    expect((refused as CoderApiError).status).toBe(403)

    await deleteWorkspaceAfterBuild(client, ws.id, { intervalMs: 20, timeoutMs: 20_000 })
    const builds = await session.owner.workspaceBuilds(ws.id)
    expect(builds.map((b) => `${b.transition}:${b.job.status}`).sort()).toEqual([
      'delete:succeeded',
      'start:succeeded',
    ])
    const gone = await client.workspace(ws.id).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((gone as CoderApiError).status).toBe(404)
    // A workspace already gone is done.
    await deleteWorkspaceAfterBuild(client, ws.id, { intervalMs: 20 })
  })

  it('deletes only the template a test created, when it finishes, and warns when it cannot', async () => {
    const finished: Array<() => Promise<void>> = []
    const warnings: string[] = []
    const test = {
      onTestFinished: (fn: () => Promise<void>) => finished.push(fn),
      logger: { warn: (m: string) => warnings.push(m) },
    }
    const made = await scaletestTemplateForTest(
      session.owner,
      { organizationId: session.org.id, ref: undefined, tag: 'for-test' },
      test,
    )
    const named = await scaletestTemplateForTest(
      session.owner,
      { organizationId: session.org.id, ref: made.name, tag: 'x' },
      test,
    )
    expect(named.id).toBe(made.id)
    expect(finished).toHaveLength(1)
    await finished[0]!()
    expect((await session.owner.listTemplates()).map((t) => t.id)).not.toContain(made.id)
    await finished[0]!()
    expect(warnings).toEqual([expect.stringMatching(/^could not delete template scaletest-for-test: /)])
  })

  it('builds a terraform template from main.tf whose external agent reports app status with its token', async () => {
    const finished: Array<() => Promise<void>> = []
    const template = await scaletestTemplateForTest(
      session.owner,
      {
        organizationId: session.org.id,
        ref: undefined,
        tag: 'tasks',
        mainTf: externalAgentAppTemplateTf('ai-agent'),
      },
      { onTestFinished: (fn) => finished.push(fn), logger: { warn: () => {} } },
    )
    const ws = await session.owner.createWorkspace({ name: 'task', template_id: template.id })
    await session.owner.waitForBuild(ws.latest_build.id, { intervalMs: 20 })
    const { agent_token } = await session.owner.externalAgentCredentials(ws.id, 'main')
    const agent = session.owner.withSessionToken(agent_token)
    await agent.patchAppStatus({ app_slug: 'ai-agent', state: 'working', message: 'on it', uri: '' })
    const refused = await session.owner
      .patchAppStatus({ app_slug: 'ai-agent', state: 'working', message: 'as a user', uri: '' })
      .catch((e: unknown) => e)
    expect((refused as CoderApiError).status).toBe(401)
    const bad = await agent
      .patchAppStatus({ app_slug: 'other', state: 'idle', message: '', uri: '' })
      .catch((e: unknown) => e)
    expect((bad as CoderApiError).status).toBe(400)
    const workspace = await session.owner.workspace(ws.id)
    expect(workspace.latest_app_status).toMatchObject({
      state: 'working',
      message: 'on it',
      workspace_id: ws.id,
    })
    await deleteWorkspaceAfterBuild(session.owner, ws.id, { intervalMs: 20 })
    await finished[0]!()
  })
})
