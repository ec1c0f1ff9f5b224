import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'

import {
  createTemplate,
  createUser,
  type Fixture,
  type Json,
  type SimClient,
  startFixture,
  waitFor,
} from './test/sim-client.ts'

async function waitForStatus(client: SimClient, workspaceId: string, status: string): Promise<Json> {
  return waitFor(async () => {
    const w = await client.ok('GET', `/api/v2/workspaces/${workspaceId}`)
    return w.latest_build.status === status ? w : undefined
  })
}

describe('workspaces and builds', () => {
  let f: Fixture
  let template: Json
  let member: Awaited<ReturnType<typeof createUser>>
  beforeAll(async () => {
    f = await startFixture({ jobDurationMs: 200, provisionerDaemons: 2 })
    template = await createTemplate(f.owner, f.orgId, 'ws-template')
    member = await createUser(f)
  })
  afterAll(() => f.sim.close())

  it('creates a workspace whose start build goes pending → starting → running, then stop and delete', async () => {
    const created = await member.client.call(
      'POST',
      `/api/v2/organizations/${f.orgId}/members/me/workspaces`,
      { template_id: template.id, name: 'scaletest-one' },
    )
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      name: 'scaletest-one',
      owner_id: member.id,
      template_id: template.id,
      latest_build: { build_number: 1, transition: 'start', job: { type: 'workspace_build' } },
    })
    const statuses = new Set<string>()
    const running = await waitFor(async () => {
      const w = await member.client.ok('GET', `/api/v2/workspaces/${created.body.id}`)
      statuses.add(w.latest_build.status)
      return w.latest_build.status === 'running' ? w : undefined
    })
    expect(statuses).toContain('starting')
    expect(running.latest_build.resources[0].agents[0].name).toBe('main')
    // The agent connects and becomes ready shortly after the build (agentConnectDelayMs, agentReadyDelayMs).
    const agent = await waitFor(async () => {
      const w = await member.client.ok('GET', `/api/v2/workspaces/${created.body.id}`)
      const a = w.latest_build.resources[0].agents[0]
      return a.lifecycle_state === 'ready' ? a : undefined
    })
    expect(agent.status).toBe('connected')
    const dupName = await member.client.call('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'scaletest-one',
    })
    expect(dupName.status).toBe(409)

    const stop = await member.client.call('POST', `/api/v2/workspaces/${created.body.id}/builds`, {
      transition: 'stop',
    })
    expect(stop.status).toBe(201)
    expect(stop.body).toMatchObject({ build_number: 2, transition: 'stop', status: 'pending' })
    const busy = await member.client.call('POST', `/api/v2/workspaces/${created.body.id}/builds`, {
      transition: 'start',
    })
    expect(busy).toMatchObject({ status: 409, body: { message: 'A workspace build is already active.' } })
    await waitForStatus(member.client, created.body.id, 'stopped')
    const builds = await member.client.ok('GET', `/api/v2/workspaces/${created.body.id}/builds`)
    expect(builds.map((b: { build_number: number }) => b.build_number)).toEqual([2, 1])
    expect((await member.client.ok('GET', `/api/v2/workspacebuilds/${stop.body.id}`)).status).toBe('stopped')
    expect((await member.client.ok('GET', `/api/v2/users/me/workspace/scaletest-one/builds/2`)).id).toBe(
      stop.body.id,
    )

    const orphan = await member.client.call('POST', `/api/v2/workspaces/${created.body.id}/builds`, {
      transition: 'start',
      orphan: true,
    })
    expect(orphan.body.message).toBe('Orphan is only permitted when deleting a workspace.')
    await member.client.ok('POST', `/api/v2/workspaces/${created.body.id}/builds`, { transition: 'delete' })
    await waitFor(
      async () =>
        (await member.client.call('GET', `/api/v2/workspaces/${created.body.id}`)).status === 404 ||
        undefined,
    )
    const kept = await member.client.ok('GET', `/api/v2/workspaces/${created.body.id}?include_deleted=true`)
    expect(kept.latest_build.status).toBe('deleted')
  })

  it('lists with a query; members only see their own; 417 when deleting a user with workspaces', async () => {
    const other = await createUser(f)
    await other.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'scaletest-other',
    })
    await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'scaletest-mine',
    })
    const all = await f.owner.ok('GET', '/api/v2/workspaces?q=name:"scaletest-"')
    expect(all.count).toBe(2)
    const mine = await member.client.ok(
      'GET',
      `/api/v2/workspaces?q=${encodeURIComponent('owner:"me" template:"ws-template"')}`,
    )
    expect(mine.workspaces.map((w: { name: string }) => w.name)).toEqual(['scaletest-mine'])
    expect((await member.client.ok('GET', '/api/v2/workspaces')).count).toBe(1)
    expect((await f.owner.call('DELETE', `/api/v2/users/${other.id}`)).status).toBe(417)
    expect((await f.owner.call('GET', '/api/v2/workspaces?q=bogus:1')).status).toBe(400)
  })

  it('cancels builds: 403 for another user’s build or when the template forbids it, 412 on the wrong state', async () => {
    // One daemon and builds that run for a minute: the first build stays running, the next pending.
    const slow = await startFixture({ provisionerDaemons: 1, jobDurationMs: 60_000, importJobDurationMs: 0 })
    try {
      const tpl = await createTemplate(slow.owner, slow.orgId, 'slow')
      const alice = await createUser(slow)
      const running = await alice.client.ok('POST', '/api/v2/users/me/workspaces', {
        template_id: tpl.id,
        name: 'running',
      })
      await waitFor(
        async () =>
          (await alice.client.ok('GET', `/api/v2/workspacebuilds/${running.latest_build.id}`)).job.status ===
            'running' || undefined,
      )
      const pending = await alice.client.ok('POST', '/api/v2/users/me/workspaces', {
        template_id: tpl.id,
        name: 'pending',
      })
      expect(pending.latest_build.job.status).toBe('pending')

      const admin = await createUser(slow, ['template-admin'])
      const notYours = await admin.client.call(
        'PATCH',
        `/api/v2/workspacebuilds/${running.latest_build.id}/cancel`,
      )
      expect(notYours).toMatchObject({
        status: 403,
        body: { message: 'User is not allowed to cancel workspace builds. Owner role is required.' },
      })
      expect(
        (
          await alice.client.call(
            'PATCH',
            `/api/v2/workspacebuilds/${running.latest_build.id}/cancel?expect_status=bogus`,
          )
        ).status,
      ).toBe(400)
      const wrong = await alice.client.call(
        'PATCH',
        `/api/v2/workspacebuilds/${running.latest_build.id}/cancel?expect_status=pending`,
      )
      expect(wrong).toMatchObject({ status: 412, body: { message: 'Job is not in the expected state.' } })
      expect(
        (
          await alice.client.call(
            'PATCH',
            `/api/v2/workspacebuilds/${pending.latest_build.id}/cancel?expect_status=running`,
          )
        ).status,
      ).toBe(412)

      // Pending: canceled at once. Running: canceling, then canceled.
      expect(
        (
          await alice.client.call(
            'PATCH',
            `/api/v2/workspacebuilds/${pending.latest_build.id}/cancel?expect_status=pending`,
          )
        ).status,
      ).toBe(200)
      expect(
        (await alice.client.ok('GET', `/api/v2/workspacebuilds/${pending.latest_build.id}`)).status,
      ).toBe('canceled')
      expect(
        (
          await alice.client.call(
            'PATCH',
            `/api/v2/workspacebuilds/${running.latest_build.id}/cancel?expect_status=running`,
          )
        ).status,
      ).toBe(200)
      expect(
        (await alice.client.ok('GET', `/api/v2/workspacebuilds/${running.latest_build.id}`)).status,
      ).toBe('canceling')
      const ended = await waitFor(async () => {
        const b = await alice.client.ok('GET', `/api/v2/workspacebuilds/${running.latest_build.id}`)
        return b.status === 'canceled' ? b : undefined
      })
      expect(ended.job).toMatchObject({ canceled_at: expect.any(String), completed_at: expect.any(String) })
      const again = await alice.client.call(
        'PATCH',
        `/api/v2/workspacebuilds/${running.latest_build.id}/cancel`,
      )
      expect(again).toMatchObject({
        status: 400,
        body: { message: 'Job has already been marked as canceled!' },
      })

      // A template that forbids user cancels: the workspace owner gets 403, a site owner may.
      await slow.owner.ok('PATCH', `/api/v2/templates/${tpl.id}`, { allow_user_cancel_workspace_jobs: false })
      const strict = await alice.client.ok('POST', '/api/v2/users/me/workspaces', {
        template_id: tpl.id,
        name: 'strict',
      })
      expect(
        (await alice.client.call('PATCH', `/api/v2/workspacebuilds/${strict.latest_build.id}/cancel`)).status,
      ).toBe(403)
      expect(
        (await slow.owner.call('PATCH', `/api/v2/workspacebuilds/${strict.latest_build.id}/cancel`)).status,
      ).toBe(200)

      // Template admins read every workspace; a plain member cannot see someone else's.
      expect((await admin.client.call('GET', `/api/v2/workspaces/${running.id}`)).status).toBe(200)
      const bob = await createUser(slow)
      expect((await bob.client.call('GET', `/api/v2/workspaces/${running.id}`)).status).toBe(404)
      expect(
        (await bob.client.call('PATCH', `/api/v2/workspacebuilds/${running.latest_build.id}/cancel`)).status,
      ).toBe(404)
    } finally {
      await slow.sim.close()
    }
  })

  it('streams the workspace over SSE: ping, the current workspace, then one per change', async () => {
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'watched',
    })
    const controller = new AbortController()
    const response = await fetch(`${f.sim.url}/api/v2/workspaces/${ws.id}/watch`, {
      headers: { 'Coder-Session-Token': member.client.token! },
      signal: controller.signal,
    })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    const events: { event: string; data?: Json }[] = []
    try {
      while (!events.some((e) => e.data?.latest_build.status === 'running')) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        let end = buffer.indexOf('\n\n')
        while (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (\w+)/m.exec(block)![1]!
          const data = /^data: (.*)$/m.exec(block)?.[1]
          events.push({ event, data: data ? JSON.parse(data) : undefined })
          end = buffer.indexOf('\n\n')
        }
      }
    } finally {
      controller.abort()
    }
    expect(events[0]!.event).toBe('ping')
    expect(events[1]).toMatchObject({ event: 'data', data: { id: ws.id } })
    const statuses = events.filter((e) => e.event === 'data').map((e) => e.data.latest_build.status)
    expect(statuses.at(-1)).toBe('running')
    expect(statuses).toContain('starting')
  })

  it('streams the workspace over watch-ws and follows build logs until the job ends', async () => {
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'watched-ws',
    })
    const headers = { 'Coder-Session-Token': member.client.token! }
    const base = f.sim.url.replace('http', 'ws')
    const logs: Json[] = []
    const closed = new Promise<number>((resolve) => {
      const socket = new WebSocket(`${base}/api/v2/workspacebuilds/${ws.latest_build.id}/logs?follow`, {
        headers,
      })
      socket.on('message', (data) => logs.push(JSON.parse(String(data))))
      socket.on('close', (code) => resolve(code))
    })
    const frames: Json[] = []
    const watch = new WebSocket(`${base}/api/v2/workspaces/${ws.id}/watch-ws`, { headers })
    watch.on('message', (data) => frames.push(JSON.parse(String(data))))
    expect(await closed).toBe(1000)
    expect(logs.length).toBeGreaterThan(1)
    expect(logs.at(-1).stage).toBe('Cleaning Up')
    await waitFor(
      () => frames.some((m) => m.type === 'data' && m.data.latest_build.status === 'running') || undefined,
    )
    expect(frames[0]).toEqual({ type: 'ping', data: null })
    watch.close()
    const unauth = new WebSocket(`${base}/api/v2/workspaces/${ws.id}/watch-ws`)
    const status = await new Promise<number>((resolve) =>
      unauth.on('unexpected-response', (_req, res) => resolve(res.statusCode!)),
    )
    expect(status).toBe(401)
  })

  it('sets an autostart schedule (204, 400 when invalid) that the autobuild executor acts on', async () => {
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'autostart',
    })
    await waitForStatus(member.client, ws.id, 'running')
    await member.client.ok('POST', `/api/v2/workspaces/${ws.id}/builds`, { transition: 'stop' })
    await waitForStatus(member.client, ws.id, 'stopped')
    const bad = await member.client.call('PUT', `/api/v2/workspaces/${ws.id}/autostart`, {
      schedule: 'CRON_TZ=UTC 61 9 * * *',
    })
    expect(bad).toMatchObject({
      status: 400,
      body: { message: 'Invalid autostart schedule.', validations: [{ field: 'schedule' }] },
    })
    const at = new Date(Date.now() + 2 * 60_000)
    const schedule = `CRON_TZ=UTC ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`
    expect(
      (await member.client.call('PUT', `/api/v2/workspaces/${ws.id}/autostart`, { schedule })).status,
    ).toBe(204)
    expect((await member.client.ok('GET', `/api/v2/workspaces/${ws.id}`)).autostart_schedule).toBe(schedule)
    expect(f.sim.tickAutobuild(Date.now())).toBe(0)
    expect(f.sim.tickAutobuild(at.getTime() + 1_000)).toBe(1)
    const started = await waitForStatus(member.client, ws.id, 'running')
    expect(started.latest_build).toMatchObject({ reason: 'autostart', transition: 'start', build_number: 3 })
  })
})
