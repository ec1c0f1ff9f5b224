import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CoderApiError } from './errors.ts'
import type { Template } from './schemas.ts'
import { SimulatorControl } from './simulator-control.ts'
import {
  createEchoTemplate,
  createUserClient,
  type SimulatorSession,
  startSimulatorSession,
} from './simulator-setup.ts'

let session: SimulatorSession
let template: Template

beforeAll(async () => {
  session = await startSimulatorSession()
  template = await createEchoTemplate(session.owner, session.org.id, 'events-template')
})
afterAll(() => session?.close())

describe('event streams (simulator)', () => {
  it('reads experiments and follows builds on one watch-all socket, validated', async () => {
    expect(await session.owner.experiments()).toContain('workspace-build-updates')
    await using watch = await session.owner.watchAllWorkspaceBuilds()
    const { client } = await createUserClient(session)
    const ws = await client.createWorkspace({ name: 'watched', template_id: template.id })
    const done = await watch.waitFor((u) => u.workspace_id === ws.id && u.job_status === 'succeeded', {
      timeoutMs: 10_000,
    })
    expect(done).toMatchObject({ workspace_name: 'watched', transition: 'start', build_number: 1 })
  })

  it('rejects a watch-all dial from a member with Coder’s 403', async () => {
    const { client } = await createUserClient(session)
    const error = await client.watchAllWorkspaceBuilds().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(CoderApiError)
    expect((error as CoderApiError).status).toBe(403)
  })

  it('sees a new workspace on the owner’s workspace-updates stream, after the snapshot', async () => {
    const { client, user } = await createUserClient(session)
    await using updates = await client.watchWorkspaceUpdates(user.id, { retry: true, dialTimeoutMs: 5_000 })
    expect(await updates.next()).toEqual({
      upserted_workspaces: [],
      upserted_agents: [],
      deleted_workspaces: [],
      deleted_agents: [],
    })
    const ws = await client.createWorkspace({ name: 'connect-me', template_id: template.id })
    const seen = await updates.waitFor((u) => u.upserted_workspaces.some((w) => w.id === ws.id), {
      timeoutMs: 10_000,
    })
    expect(seen.upserted_workspaces[0]).toEqual({ id: ws.id, name: 'connect-me', status: 'PENDING' })
  })

  it('finds the simulator’s control endpoints, and not on a server without them', async () => {
    const control = await SimulatorControl.probe(session.url)
    expect(control).toBeDefined()
    expect(await control!.tickAutobuild(new Date())).toBe(0)
    expect(await SimulatorControl.probe('http://127.0.0.1:1')).toBeUndefined()
  })
})
