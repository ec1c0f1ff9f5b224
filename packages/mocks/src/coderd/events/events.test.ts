import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'

import { nextFireAfter, parseWeeklySchedule } from '../schedule.ts'
import {
  createTemplate,
  createUser,
  type Fixture,
  type Json,
  type SimClient,
  startFixture,
  waitFor,
} from '../test/sim-client.ts'

const MINUTE = 60_000

/** A websocket that collects its JSON messages; resolves once open, or with the refused status. */
async function dial(url: string, token: string | undefined) {
  const socket = new WebSocket(url, { headers: token ? { 'Coder-Session-Token': token } : {} })
  const messages: Json[] = []
  socket.on('message', (data) => messages.push(JSON.parse(String(data))))
  const status = await new Promise<number>((resolve, reject) => {
    socket.once('open', () => resolve(101))
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode!))
    socket.once('error', reject)
  })
  return { socket, messages, status }
}

async function waitForStatus(client: SimClient, workspaceId: string, status: string): Promise<Json> {
  return waitFor(async () => {
    const w = await client.ok('GET', `/api/v2/workspaces/${workspaceId}`)
    return w.latest_build.status === status ? w : undefined
  })
}

describe('event streams', () => {
  let f: Fixture
  let template: Json
  let ws: string
  const sockets: WebSocket[] = []
  beforeAll(async () => {
    f = await startFixture()
    ws = f.sim.url.replace('http', 'ws')
    template = await createTemplate(f.owner, f.orgId, 'events-template')
  })
  afterAll(async () => {
    for (const socket of sockets) socket.terminate()
    await f.sim.close()
  })

  it('lists the enabled experiments and the ones it implements', async () => {
    expect(await f.owner.ok('GET', '/api/v2/experiments')).toEqual(['workspace-build-updates'])
    expect(await f.owner.ok('GET', '/api/v2/experiments/available')).toEqual({
      safe: ['workspace-build-updates'],
    })
    expect((await f.owner.as('nope').call('GET', '/api/v2/experiments')).status).toBe(401)
  })

  it('sends every build job change of every workspace as bare JSON on watch-all, to owners only', async () => {
    const member = await createUser(f)
    const refused = await dial(`${ws}/api/experimental/watch-all-workspacebuilds`, member.client.token)
    expect(refused.status).toBe(403)
    const watch = await dial(`${ws}/api/experimental/watch-all-workspacebuilds`, f.owner.token)
    sockets.push(watch.socket)
    expect(watch.status).toBe(101)
    const created = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'watched',
    })
    const mine = () => watch.messages.filter((m) => m.workspace_id === created.id)
    await waitFor(() => mine().some((m) => m.job_status === 'succeeded') || undefined)
    expect(mine().map((m) => m.job_status)).toEqual(['pending', 'running', 'succeeded'])
    expect(mine()[0]).toEqual({
      workspace_id: created.id,
      workspace_name: 'watched',
      build_id: created.latest_build.id,
      transition: 'start',
      job_status: 'pending',
      build_number: 1,
    })
    await member.client.ok('POST', `/api/v2/workspaces/${created.id}/builds`, { transition: 'stop' })
    await waitFor(() => mine().filter((m) => m.job_status === 'succeeded').length === 2 || undefined)
    expect(
      mine()
        .slice(3)
        .map((m) => `${m.transition}/${m.job_status}/${m.build_number}`),
    ).toEqual(['stop/pending/2', 'stop/running/2', 'stop/succeeded/2'])
  })

  it('autostarts only once the next scheduled minute after the stop build has come, at an injected instant', async () => {
    const member = await createUser(f)
    const created = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'autostarted',
    })
    await waitForStatus(member.client, created.id, 'running')
    await member.client.ok('POST', `/api/v2/workspaces/${created.id}/builds`, { transition: 'stop' })
    const stopped = await waitForStatus(member.client, created.id, 'stopped')
    const stopAt = Date.parse(stopped.latest_build.created_at)
    // The current minute already fired before the stop build: its next time is tomorrow.
    const thisMinute = new Date(Math.floor(stopAt / MINUTE) * MINUTE)
    const passed = `CRON_TZ=UTC ${thisMinute.getUTCMinutes()} ${thisMinute.getUTCHours()} * * *`
    await member.client.ok('PUT', `/api/v2/workspaces/${created.id}/autostart`, { schedule: passed })
    const tick = (at: Date) => f.owner.ok('POST', '/__admin/autobuild/tick', { at: at.toISOString() })
    expect(await tick(new Date(stopAt + 5 * MINUTE))).toMatchObject({ started: 0 })

    const due = new Date(Math.floor(stopAt / MINUTE) * MINUTE + 3 * MINUTE)
    const schedule = `CRON_TZ=Europe/Berlin ${due.getUTCMinutes()} ${(due.getUTCHours() + 1) % 24} * * *`
    expect(nextFireAfter(parseWeeklySchedule(schedule)!, stopAt)).toBeDefined()
    await member.client.ok('PUT', `/api/v2/workspaces/${created.id}/autostart`, { schedule })
    // Berlin is UTC+1 in winter, UTC+2 in summer: find the instant the way Coder would.
    const fires = nextFireAfter(parseWeeklySchedule(schedule)!, stopAt)!
    expect(await tick(new Date(fires - 1_000))).toMatchObject({ started: 0 })
    const reply = await f.owner.ok(
      'POST',
      `/__admin/autobuild/tick?at=${new Date(fires + 30_000).toISOString()}`,
    )
    expect(reply).toEqual({ at: new Date(fires + 30_000).toISOString(), started: 1 })
    expect(await tick(new Date(fires + MINUTE))).toMatchObject({ started: 0 })

    const started = await waitForStatus(member.client, created.id, 'running')
    const job = started.latest_build.job
    expect(started.latest_build).toMatchObject({ reason: 'autostart', transition: 'start', build_number: 3 })
    expect(Date.parse(job.created_at)).toBeLessThanOrEqual(Date.parse(job.started_at))
    expect(Date.parse(job.started_at)).toBeLessThanOrEqual(Date.parse(job.completed_at))
  })

  it('does not autostart the workspace of a suspended owner', async () => {
    const members = [await createUser(f), await createUser(f)]
    const ids: string[] = []
    for (const [i, member] of members.entries()) {
      const created = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
        template_id: template.id,
        name: `due-${i}`,
      })
      await waitForStatus(member.client, created.id, 'running')
      await member.client.ok('POST', `/api/v2/workspaces/${created.id}/builds`, { transition: 'stop' })
      await waitForStatus(member.client, created.id, 'stopped')
      ids.push(created.id)
    }
    const due = new Date(Math.floor(Date.now() / MINUTE) * MINUTE + 5 * MINUTE)
    const schedule = `CRON_TZ=UTC ${due.getUTCMinutes()} ${due.getUTCHours()} * * *`
    for (const [i, member] of members.entries())
      await member.client.ok('PUT', `/api/v2/workspaces/${ids[i]}/autostart`, { schedule })
    f.sim.state.users.get(members[1]!.id)!.status = 'suspended'
    expect(f.sim.tickAutobuild(due.getTime())).toBe(1)
    expect((await f.owner.ok('GET', `/api/v2/workspaces/${ids[0]}`)).latest_build.reason).toBe('autostart')
    expect((await f.owner.ok('GET', `/api/v2/workspaces/${ids[1]}`)).latest_build.transition).toBe('stop')
  })

  it('answers a malformed tick with 400 and Coder’s error shape', async () => {
    for (const [path, body] of [
      ['/__admin/autobuild/tick?at=yesterday', undefined],
      ['/__admin/autobuild/tick', { at: '2026-13-01T00:00:00Z' }],
      ['/__admin/autobuild/tick', { when: 'now' }],
      ['/__admin/autobuild/tick', '{not json'],
    ] as const) {
      const reply = await f.owner.call('POST', path, body)
      expect(reply.status, path).toBe(400)
      expect(reply.body.message, path).toEqual(expect.any(String))
      expect(reply.body.validations?.[0]?.field, path).toBeDefined()
    }
  })

  it('streams a user’s workspaces and agents on the workspace-updates socket: snapshot, then diffs', async () => {
    const member = await createUser(f)
    const other = await createUser(f)
    const url = (owner: string, sim = 'workspace-updates') =>
      `${ws}/api/v2/tailnet?sim=${sim}&owner_id=${owner}`
    expect((await dial(url(other.id), member.client.token)).status).toBe(403)
    expect((await dial(url(member.id, 'drpc'), member.client.token)).status).toBe(400)
    expect((await dial(url('not-a-uuid'), member.client.token)).status).toBe(400)
    expect((await dial(url(member.id), undefined)).status).toBe(401)

    const before = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'before',
    })
    await waitForStatus(member.client, before.id, 'running')
    const updates = await dial(url(member.id), member.client.token)
    sockets.push(updates.socket)
    await waitFor(() => updates.messages.length > 0 || undefined)
    expect(updates.messages[0]).toEqual({
      upserted_workspaces: [{ id: before.id, name: 'before', status: 'RUNNING' }],
      upserted_agents: [{ id: expect.any(String), name: 'main', workspace_id: before.id }],
      deleted_workspaces: [],
      deleted_agents: [],
    })

    await other.client.ok('POST', '/api/v2/users/me/workspaces', { template_id: template.id, name: 'theirs' })
    const created = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'after',
    })
    await waitForStatus(member.client, created.id, 'running')
    await member.client.ok('POST', `/api/v2/workspaces/${created.id}/builds`, { transition: 'delete' })
    await waitFor(() => updates.messages.some((m) => m.deleted_workspaces.length > 0) || undefined)
    const seen = updates.messages
      .slice(1)
      .flatMap((m: Json) => [
        ...m.upserted_workspaces.map((w: Json) => `+${w.name}:${w.status}`),
        ...m.upserted_agents.map((a: Json) => `+agent:${a.workspace_id === created.id}`),
        ...m.deleted_agents.map((a: Json) => `-agent:${a.workspace_id === created.id}`),
        ...m.deleted_workspaces.map((w: Json) => `-${w.name}`),
      ])
    expect(seen).toEqual([
      '+after:PENDING',
      '+after:STARTING',
      '+after:RUNNING',
      '+agent:true',
      // A delete build is pending before it is deleting; it has no resources, so the agent goes.
      '+after:PENDING',
      '-agent:true',
      '+after:DELETING',
      '-after',
    ])
  })

  it('delays watch-all messages and drops workspace updates on request', async () => {
    expect(await f.owner.ok('GET', '/__admin/event-faults')).toEqual({
      watch_all_delay_ms: 0,
      workspace_updates_delay_ms: 0,
      workspace_updates_drop: false,
      app_status_delay_ms: 0,
      app_status_drop: false,
    })
    expect((await f.owner.call('POST', '/__admin/event-faults', { watch_all_delay_ms: -1 })).status).toBe(400)
    await f.owner.ok('POST', '/__admin/event-faults', {
      watch_all_delay_ms: 300,
      workspace_updates_drop: true,
    })
    const member = await createUser(f)
    const updates = await dial(
      `${ws}/api/v2/tailnet?sim=workspace-updates&owner_id=${member.id}`,
      member.client.token,
    )
    const watch = await dial(`${ws}/api/experimental/watch-all-workspacebuilds`, f.owner.token)
    sockets.push(updates.socket, watch.socket)
    await waitFor(() => updates.messages.length > 0 || undefined)
    const sent = Date.now()
    const created = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'faulty',
    })
    const first = await waitFor(() => watch.messages.find((m) => m.workspace_id === created.id))
    expect(Date.now() - sent).toBeGreaterThanOrEqual(250)
    expect(first.job_status).toBe('pending')
    await waitForStatus(member.client, created.id, 'running')
    await new Promise((r) => setTimeout(r, 50))
    expect(updates.messages).toHaveLength(1) // the snapshot only
    await f.owner.ok('POST', '/__admin/event-faults', {})
  })
})

describe('event streams with the experiment off', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture({ experiments: [] })
  })
  afterAll(() => f.sim.close())

  it('refuses watch-all with 403 and lists no experiments', async () => {
    expect(await f.owner.ok('GET', '/api/v2/experiments')).toEqual([])
    const refused = await dial(
      `${f.sim.url.replace('http', 'ws')}/api/experimental/watch-all-workspacebuilds`,
      f.owner.token,
    )
    expect(refused.status).toBe(403)
  })
})
