import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  createTemplate,
  createUser,
  type Fixture,
  importVersion,
  startFixture,
  waitFor,
} from './test/sim-client.ts'

const tar = { 'content-type': 'application/x-tar' }

describe('files, template versions and provisioner jobs', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture({ jobDurationMs: 150 })
  })
  afterAll(() => f.sim.close())

  it('uploads a tar: 201 with a uuid hash, 200 with the same id for the same bytes, 400 for other types', async () => {
    const bytes = new TextEncoder().encode('main.tf')
    const first = await f.owner.call('POST', '/api/v2/files', bytes, tar)
    expect(first.status).toBe(201)
    expect(first.body.hash).toMatch(/^[0-9a-f-]{36}$/)
    const again = await f.owner.call('POST', '/api/v2/files', bytes, tar)
    expect(again).toMatchObject({ status: 200, body: { hash: first.body.hash } })
    const back = await fetch(`${f.sim.url}/api/v2/files/${first.body.hash}`, {
      headers: { 'Coder-Session-Token': f.owner.token! },
    })
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(bytes)
    const wrong = await f.owner.call('POST', '/api/v2/files', bytes, { 'content-type': 'text/plain' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.message).toContain('Unsupported content type header')
    const member = await createUser(f)
    expect((await member.client.call('POST', '/api/v2/files', bytes, tar)).status).toBe(403)
  })

  it('moves an import job pending → running → succeeded with timestamps and logs', async () => {
    const { hash } = await f.owner.ok('POST', '/api/v2/files', new Uint8Array(), tar)
    const created = await f.owner.call('POST', `/api/v2/organizations/${f.orgId}/templateversions`, {
      storage_method: 'file',
      provisioner: 'echo',
      file_id: hash,
      tags: {},
    })
    expect(created.status).toBe(201)
    expect(created.body.job).toMatchObject({
      status: 'pending',
      type: 'template_version_import',
      tags: { scope: 'organization', owner: '' },
    })
    expect(created.body.matched_provisioners.count).toBe(3)
    const seen = new Set<string>([created.body.job.status])
    const done = await waitFor(async () => {
      const v = await f.owner.ok('GET', `/api/v2/templateversions/${created.body.id}`)
      seen.add(v.job.status)
      return v.job.status === 'succeeded' ? v : undefined
    })
    expect(seen).toContain('running')
    const { started_at, completed_at, created_at } = done.job
    expect(Date.parse(started_at)).toBeGreaterThanOrEqual(Date.parse(created_at))
    expect(Date.parse(completed_at) - Date.parse(started_at)).toBeGreaterThanOrEqual(100)
    const logs = await f.owner.ok('GET', `/api/v2/templateversions/${created.body.id}/logs`)
    expect(logs.length).toBeGreaterThan(0)
    expect(logs.map((l: { id: number }) => l.id)).toEqual(
      [...logs.map((l: { id: number }) => l.id)].sort((a, b) => a - b),
    )
    const after = await f.owner.ok(
      'GET',
      `/api/v2/templateversions/${created.body.id}/logs?after=${logs[0].id}`,
    )
    expect(after).toHaveLength(logs.length - 1)
  })

  it('cancels a pending version; a second cancel is 400', async () => {
    const { hash } = await f.owner.ok('POST', '/api/v2/files', new Uint8Array(), tar)
    // Occupy all three daemons so the fourth job stays pending.
    const versions = []
    for (let i = 0; i < 4; i++)
      versions.push(
        await f.owner.ok('POST', `/api/v2/organizations/${f.orgId}/templateversions`, {
          storage_method: 'file',
          provisioner: 'echo',
          file_id: hash,
          tags: {},
        }),
      )
    const last = versions[3]
    expect((await f.owner.ok('GET', `/api/v2/templateversions/${last.id}`)).job.queue_position).toBe(1)
    expect((await f.owner.call('PATCH', `/api/v2/templateversions/${last.id}/cancel`)).status).toBe(200)
    const canceled = await f.owner.ok('GET', `/api/v2/templateversions/${last.id}`)
    expect(canceled.job).toMatchObject({
      status: 'canceled',
      canceled_at: expect.any(String),
      completed_at: expect.any(String),
    })
    expect((await f.owner.call('PATCH', `/api/v2/templateversions/${last.id}/cancel`)).status).toBe(400)
  })

  it('rejects bad version requests with the field named', async () => {
    const missing = await f.owner.call('POST', `/api/v2/organizations/${f.orgId}/templateversions`, {
      storage_method: 'file',
      provisioner: 'docker',
      file_id: 'x',
    })
    expect(missing.status).toBe(400)
    expect(missing.body.validations.map((v: { field: string }) => v.field).sort()).toEqual([
      'file_id',
      'provisioner',
    ])
    const noFile = await f.owner.call('POST', `/api/v2/organizations/${f.orgId}/templateversions`, {
      storage_method: 'file',
      provisioner: 'echo',
      file_id: '4f9b3a2e-1111-4222-8333-944455556666',
    })
    expect(noFile.status).toBe(404)
  })
})

describe('provisioner tags', () => {
  it('leaves an untagged version pending when every daemon is tagged, and runs a matching tagged one', async () => {
    const f = await startFixture({
      provisionerDaemons: [{ tags: { cluster: 'scaletest' } }], // scope and owner are added, as for jobs
    })
    try {
      const { hash } = await f.owner.ok('POST', '/api/v2/files', new Uint8Array(), tar)
      const untagged = await f.owner.ok('POST', `/api/v2/organizations/${f.orgId}/templateversions`, {
        storage_method: 'file',
        provisioner: 'echo',
        file_id: hash,
        tags: {},
      })
      expect(untagged.matched_provisioners).toEqual({ count: 0, available: 0 })
      const tagged = await importVersion(f.owner, f.orgId, { cluster: 'scaletest' })
      expect(tagged.matched_provisioners.count).toBe(1)
      expect(tagged.job.tags).toEqual({ cluster: 'scaletest', scope: 'organization', owner: '' })
      expect((await f.owner.ok('GET', `/api/v2/templateversions/${untagged.id}`)).job.status).toBe('pending')
    } finally {
      await f.sim.close()
    }
  })
})

describe('templates', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture()
  })
  afterAll(() => f.sim.close())

  it('creates, gets by name and id, lists, searches and updates (304 when unchanged)', async () => {
    const version = await importVersion(f.owner, f.orgId)
    const created = await f.owner.call('POST', `/api/v2/organizations/${f.orgId}/templates`, {
      name: 'alpha',
      template_version_id: version.id,
      display_name: 'Alpha',
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      name: 'alpha',
      display_name: 'Alpha',
      active_version_id: version.id,
      organization_id: f.orgId,
      provisioner: 'echo',
      allow_user_cancel_workspace_jobs: true,
    })
    const dup = await f.owner.call('POST', `/api/v2/organizations/${f.orgId}/templates`, {
      name: 'alpha',
      template_version_id: (await importVersion(f.owner, f.orgId)).id,
    })
    expect(dup).toMatchObject({
      status: 409,
      body: { message: 'Template with name "alpha" already exists.' },
    })
    expect((await f.owner.ok('GET', `/api/v2/organizations/${f.orgId}/templates/alpha`)).id).toBe(
      created.body.id,
    )
    expect((await f.owner.call('GET', `/api/v2/organizations/${f.orgId}/templates/nope`)).status).toBe(404)
    expect((await f.owner.ok('GET', `/api/v2/templates/${created.body.id}`)).name).toBe('alpha')
    await createTemplate(f.owner, f.orgId, 'beta')
    expect(
      (await f.owner.ok('GET', `/api/v2/organizations/${f.orgId}/templates`)).map(
        (t: { name: string }) => t.name,
      ),
    ).toEqual(['alpha', 'beta'])
    expect(
      (await f.owner.ok('GET', '/api/v2/templates?q=exact_name:beta')).map((t: { name: string }) => t.name),
    ).toEqual(['beta'])
    const patched = await f.owner.call('PATCH', `/api/v2/templates/${created.body.id}`, {
      description: 'first',
      allow_user_cancel_workspace_jobs: false,
    })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ description: 'first', allow_user_cancel_workspace_jobs: false })
    expect(
      (await f.owner.call('PATCH', `/api/v2/templates/${created.body.id}`, { description: 'first' })).status,
    ).toBe(304)
    const badType = await f.owner.call('PATCH', `/api/v2/templates/${created.body.id}`, {
      default_ttl_ms: 'soon',
    })
    expect(badType.body.validations[0].field).toBe('default_ttl_ms')
  })

  it('promotes a succeeded version and lists versions', async () => {
    const template = await createTemplate(f.owner, f.orgId, 'gamma')
    const { hash } = await f.owner.ok('POST', '/api/v2/files', new Uint8Array(), tar)
    const v2 = await f.owner.ok('POST', `/api/v2/organizations/${f.orgId}/templateversions`, {
      storage_method: 'file',
      provisioner: 'echo',
      file_id: hash,
      template_id: template.id,
    })
    await waitFor(
      async () =>
        (await f.owner.ok('GET', `/api/v2/templateversions/${v2.id}`)).job.status === 'succeeded' ||
        undefined,
    )
    await f.owner.ok('PATCH', `/api/v2/templates/${template.id}/versions`, { id: v2.id })
    expect((await f.owner.ok('GET', `/api/v2/templates/${template.id}`)).active_version_id).toBe(v2.id)
    expect(await f.owner.ok('GET', `/api/v2/templates/${template.id}/versions`)).toHaveLength(2)
  })

  it('refuses deletes by members (403) and while workspaces use the template (400)', async () => {
    const template = await createTemplate(f.owner, f.orgId, 'delta')
    const member = await createUser(f)
    const denied = await member.client.call('DELETE', `/api/v2/templates/${template.id}`)
    expect(denied.status).toBe(403)
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'ws-delta',
    })
    const blocked = await f.owner.call('DELETE', `/api/v2/templates/${template.id}`)
    expect(blocked).toMatchObject({
      status: 400,
      body: { message: 'All workspaces must be deleted before a template can be removed.' },
    })
    await waitFor(
      async () =>
        (await member.client.ok('GET', `/api/v2/workspaces/${ws.id}`)).latest_build.status === 'running' ||
        undefined,
    )
    await member.client.ok('POST', `/api/v2/workspaces/${ws.id}/builds`, { transition: 'delete' })
    await waitFor(
      async () =>
        (await member.client.call('GET', `/api/v2/workspaces/${ws.id}`)).status === 404 || undefined,
    )
    const deleted = await f.owner.call('DELETE', `/api/v2/templates/${template.id}`)
    expect(deleted).toMatchObject({ status: 200, body: { message: 'Template has been deleted!' } })
    expect((await f.owner.call('GET', `/api/v2/templates/${template.id}`)).status).toBe(404)
  })
})
