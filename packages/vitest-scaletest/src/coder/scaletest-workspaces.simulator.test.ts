import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CoderApiError } from './errors.ts'
import { deleteWorkspaceAfterBuild, scaletestTemplate } from './scaletest-workspaces.ts'
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
})
