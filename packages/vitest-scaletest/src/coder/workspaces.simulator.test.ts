import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { CoderClient } from './client.ts'
import { CoderApiError } from './errors.ts'
import type { Template } from './schemas.ts'
import {
  createEchoTemplate,
  createUserClient,
  type SimulatorSession,
  startSimulatorSession,
} from './simulator-setup.ts'

let session: SimulatorSession
let template: Template
let alice: { client: CoderClient; username: string }

const fast = { intervalMs: 20, timeoutMs: 10_000 }
const apiError = async (promise: Promise<unknown>): Promise<CoderApiError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CoderApiError)
  return error as CoderApiError
}

beforeAll(async () => {
  session = await startSimulatorSession({ jobDurationMs: 60 })
  template = await createEchoTemplate(session.owner, session.org.id, 'ws-template')
  const created = await createUserClient(session, [], 'alice')
  alice = { client: created.client, username: created.user.username }
})
afterAll(() => session?.close())

describe('workspaces and builds (simulator)', () => {
  it('creates a workspace, waits for its build, finds it by id, name and query; 409 on a duplicate name', async () => {
    const ws = await alice.client.createWorkspace({ name: 'alice-one', template_id: template.id })
    expect(ws.latest_build.transition).toBe('start')
    expect(ws.latest_build.build_number).toBe(1)
    const started = await alice.client.waitForBuild(ws.latest_build.id, fast)
    expect(started.status).toBe('running')
    expect(started.job.completed_at).toBeTruthy()

    expect((await alice.client.workspace(ws.id)).latest_build.status).toBe('running')
    expect((await session.owner.workspaceByOwnerAndName(alice.username, 'alice-one')).id).toBe(ws.id)
    const byOwner = await session.owner.listWorkspaces({ q: `owner:"${alice.username}" name:"alice-"` })
    expect(byOwner.workspaces.map((w) => w.id)).toEqual([ws.id])
    expect(byOwner.count).toBe(1)
    expect((await alice.client.workspaceBuildLogs(started.id)).length).toBeGreaterThan(0)

    const dup = await apiError(alice.client.createWorkspace({ name: 'alice-one', template_id: template.id }))
    expect(dup.status).toBe(409)
    expect(dup.validation('name')).toBeDefined()
    const badName = await apiError(
      alice.client.createWorkspace({ name: '-bad name-', template_id: template.id }),
    )
    expect(badName.status).toBe(400)
  })

  it('stops, starts and deletes through the transitions; a deleted workspace 404s', async () => {
    const ws = await alice.client.createWorkspace({ name: 'alice-cycle', template_id: template.id })
    await alice.client.waitForBuild(ws.latest_build.id, fast)
    const stop = await alice.client.stopWorkspace(ws.id)
    expect((await alice.client.waitForBuild(stop.id, fast)).status).toBe('stopped')
    const start = await alice.client.startWorkspace(ws.id)
    expect((await alice.client.waitForBuild(start.id, fast)).status).toBe('running')
    const builds = await alice.client.workspaceBuilds(ws.id)
    expect(builds.map((b) => b.build_number)).toEqual([3, 2, 1])
    const del = await alice.client.deleteWorkspace(ws.id)
    expect((await alice.client.waitForBuild(del.id, fast)).status).toBe('deleted')
    expect((await apiError(alice.client.workspace(ws.id))).status).toBe(404)
    expect((await alice.client.workspace(ws.id, { includeDeleted: true })).id).toBe(ws.id)
  })

  it('refuses a build while one is active (409); cancels it; 403 for a template admin on another user’s build, 404 for a member', {
    timeout: 20_000,
  }, async () => {
    // Its own deployment with slower jobs, so the build is still active when the cancels arrive.
    const slow = await startSimulatorSession({ jobDurationMs: 2_000 })
    try {
      const slowTemplate = await createEchoTemplate(slow.owner, slow.org.id, 'slow-template')
      const { client: carol } = await createUserClient(slow, [], 'carol')
      const { client: admin } = await createUserClient(slow, ['template-admin'], 'tadmin')
      const { client: bob } = await createUserClient(slow, [], 'bob')
      const ws = await carol.createWorkspace({ name: 'carol-cancel', template_id: slowTemplate.id })
      const busy = await apiError(carol.stopWorkspace(ws.id))
      expect(busy.status).toBe(409)
      expect(busy.apiMessage).toBe('A workspace build is already active.')
      const forbidden = await apiError(admin.cancelWorkspaceBuild(ws.latest_build.id))
      expect(forbidden.status).toBe(403)
      expect(forbidden.apiMessage).toMatch(/not allowed to cancel/)
      expect((await apiError(bob.cancelWorkspaceBuild(ws.latest_build.id))).status).toBe(404)
      await carol.cancelWorkspaceBuild(ws.latest_build.id)
      const canceled = await carol.waitForBuild(ws.latest_build.id, { ...fast, accept: ['canceled'] })
      expect(canceled.status).toBe('canceled')
      expect(canceled.job.canceled_at).toBeTruthy()
      expect((await apiError(carol.cancelWorkspaceBuild(ws.latest_build.id))).status).toBe(400)
    } finally {
      await slow.close()
    }
  })

  it('sets and clears the autostart schedule and TTL; rejects a bad schedule with 400', async () => {
    const ws = await alice.client.createWorkspace({ name: 'alice-auto', template_id: template.id })
    await alice.client.updateWorkspaceAutostart(ws.id, 'CRON_TZ=UTC 30 9 * * *')
    await alice.client.updateWorkspaceTtl(ws.id, 3_600_000)
    const scheduled = await alice.client.workspace(ws.id)
    expect(scheduled.autostart_schedule).toBe('CRON_TZ=UTC 30 9 * * *')
    expect(scheduled.ttl_ms).toBe(3_600_000)
    const bad = await apiError(alice.client.updateWorkspaceAutostart(ws.id, 'every morning'))
    expect(bad.status).toBe(400)
    expect(bad.validation('schedule')).toBeDefined()
    await alice.client.updateWorkspaceAutostart(ws.id, undefined)
    await alice.client.updateWorkspaceTtl(ws.id, null)
    const cleared = await alice.client.workspace(ws.id)
    expect(cleared.autostart_schedule ?? undefined).toBeUndefined()
    expect(cleared.ttl_ms ?? undefined).toBeUndefined()
  })

  it('watches a workspace over SSE: the current state first, then each job change', async () => {
    const ws = await alice.client.createWorkspace({ name: 'alice-watch', template_id: template.id })
    await alice.client.waitForBuild(ws.latest_build.id, fast)
    await using watch = await alice.client.watchWorkspace(ws.id)
    expect((await watch.next())?.latest_build.status).toBe('running')
    const stop = await alice.client.stopWorkspace(ws.id)
    const stopped = await watch.waitFor(
      (w) => w.latest_build.id === stop.id && w.latest_build.status === 'stopped',
      {
        timeoutMs: 10_000,
      },
    )
    expect(stopped.latest_build.transition).toBe('stop')
    expect((await apiError(alice.client.watchWorkspace('00000000-0000-4000-8000-000000000000'))).status).toBe(
      404,
    )
  })

  it('watches over watch-ws and follows build logs to the end', async () => {
    const ws = await alice.client.createWorkspace({ name: 'alice-ws', template_id: template.id })
    const logs = []
    for await (const log of await alice.client.followWorkspaceBuildLogs(ws.latest_build.id)) logs.push(log)
    expect(logs.length).toBeGreaterThan(0)
    expect((await alice.client.workspaceBuild(ws.latest_build.id)).status).toBe('running')
    await using watch = await alice.client.watchWorkspaceWs(ws.id)
    expect((await watch.next())?.id).toBe(ws.id)
    const stop = await alice.client.stopWorkspace(ws.id)
    const stopped = await watch.waitFor(
      (w) => w.latest_build.id === stop.id && w.latest_build.status === 'stopped',
      {
        timeoutMs: 10_000,
      },
    )
    expect(stopped.latest_build.transition).toBe('stop')
  })

  it('refuses to delete a template in use with 400', async () => {
    const used = await createEchoTemplate(session.owner, session.org.id, 'in-use-template')
    const ws = await alice.client.createWorkspace({ name: 'alice-pin', template_id: used.id })
    const refused = await apiError(session.owner.deleteTemplate(used.id))
    expect(refused.status).toBe(400)
    expect(refused.apiMessage).toBe('All workspaces must be deleted before a template can be removed.')
    await alice.client.waitForBuild(ws.latest_build.id, fast)
    const del = await alice.client.deleteWorkspace(ws.id)
    await alice.client.waitForBuild(del.id, fast)
    await session.owner.deleteTemplate(used.id)
  })
})
