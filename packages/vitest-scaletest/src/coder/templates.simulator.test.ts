import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type CoderApiError, CoderJobError } from './errors.ts'
import {
  createEchoTemplate,
  createUserClient,
  type SimulatorSession,
  startSimulatorSession,
} from './simulator-setup.ts'
import { createTar } from './tar.ts'

let session: SimulatorSession

beforeAll(async () => {
  // One daemon carries an extra tag; a version asking for a tag nobody has stays pending.
  session = await startSimulatorSession({
    provisionerDaemons: [
      { name: 'plain' },
      { name: 'gpu', tags: { scope: 'organization', owner: '', gpu: 'true' } },
    ],
    jobDurationMs: 300,
  })
})
afterAll(() => session?.close())

const fast = { intervalMs: 20, timeoutMs: 10_000 }
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  )

describe('files and template versions (simulator)', () => {
  it('uploads a tar, imports it through pending → running → succeeded and reads the logs', async () => {
    const tar = createTar([{ name: 'main.tf', content: 'resource "null_resource" "x" {}\n' }])
    const { hash } = await session.owner.uploadFile(tar)
    expect((await session.owner.uploadFile(tar)).hash).toBe(hash) // identical content de-duplicates
    const created = await session.owner.createTemplateVersion(session.org.id, {
      file_id: hash,
      provisioner: 'echo',
    })
    expect(created.job.status).toMatch(/^(pending|running)$/)
    expect(created.job.file_id).toBe(hash)
    const done = await session.owner.waitForTemplateVersionJob(created.id, fast)
    expect(done.job.status).toBe('succeeded')
    expect(done.job.started_at).toBeTruthy()
    expect(done.job.completed_at).toBeTruthy()
    expect((await session.owner.templateVersion(created.id)).id).toBe(created.id)
    const logs = await session.owner.templateVersionLogs(created.id)
    expect(logs.length).toBeGreaterThan(0)
    const ids = logs.map((l) => l.id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    const after = await session.owner.templateVersionLogs(created.id, { after: ids[0] })
    expect(after).toHaveLength(logs.length - 1)
  })

  it('follows import logs over the websocket until the job ends', async () => {
    const { hash } = await session.owner.uploadFile(createTar([{ name: 'follow.tf', content: '#' }]))
    const version = await session.owner.createTemplateVersion(session.org.id, {
      file_id: hash,
      provisioner: 'echo',
    })
    const followed = []
    for await (const log of await session.owner.followTemplateVersionLogs(version.id)) followed.push(log)
    expect((await session.owner.templateVersion(version.id)).job.status).toBe('succeeded')
    expect(followed.map((l) => l.id)).toEqual(
      (await session.owner.templateVersionLogs(version.id)).map((l) => l.id),
    )
    const tail = []
    for await (const log of await session.owner.followTemplateVersionLogs(version.id, {
      after: followed[0]!.id,
    }))
      tail.push(log)
    expect(tail).toHaveLength(followed.length - 1)
  })

  it('accepts an empty upload and builds an echo version from it', async () => {
    const { hash } = await session.owner.uploadFile(new Uint8Array(0))
    const version = await session.owner.createTemplateVersion(session.org.id, {
      file_id: hash,
      provisioner: 'echo',
    })
    expect((await session.owner.waitForTemplateVersionJob(version.id, fast)).job.status).toBe('succeeded')
  })

  it('fails fast when no daemon matches the tags, and matches a tagged daemon', async () => {
    const { hash } = await session.owner.uploadFile(createTar([]))
    const orphan = await session.owner.createTemplateVersion(session.org.id, {
      file_id: hash,
      provisioner: 'echo',
      tags: { region: 'mars' },
    })
    expect(orphan.matched_provisioners?.count).toBe(0)
    const error = (await errorOf(session.owner.waitForTemplateVersionJob(orphan.id, fast))) as CoderJobError
    expect(error).toBeInstanceOf(CoderJobError)
    expect(error.status).toBe('pending')
    const gpu = await session.owner.createTemplateVersion(session.org.id, {
      file_id: hash,
      provisioner: 'echo',
      tags: { gpu: 'true' },
    })
    expect(gpu.matched_provisioners?.count).toBe(1)
    expect((await session.owner.waitForTemplateVersionJob(gpu.id, fast)).job.status).toBe('succeeded')
  })

  it('cancels a pending import and reports it through the wait', async () => {
    const { hash } = await session.owner.uploadFile(createTar([]))
    // Tags no daemon carries keep the job pending, so the cancel cannot race the provisioner.
    const version = await session.owner.createTemplateVersion(session.org.id, {
      file_id: hash,
      provisioner: 'echo',
      tags: { region: 'nowhere' },
    })
    expect(version.job.status).toBe('pending')
    await session.owner.cancelTemplateVersion(version.id)
    const canceled = await session.owner.waitForTemplateVersionJob(version.id, {
      ...fast,
      accept: ['canceled'],
    })
    expect(canceled.job.status).toBe('canceled')
    expect(canceled.job.canceled_at).toBeTruthy()
    const again = (await errorOf(session.owner.cancelTemplateVersion(version.id))) as CoderApiError
    expect(again.status).toBe(400)
  })

  it('rejects a version for an unknown file with 404 and a bad body with 400', async () => {
    const unknownFile = '00000000-0000-4000-8000-000000000000'
    const missing = (await errorOf(
      session.owner.createTemplateVersion(session.org.id, { file_id: unknownFile, provisioner: 'echo' }),
    )) as CoderApiError
    expect(missing.status).toBe(404)
    const bad = (await errorOf(
      session.owner.createTemplateVersion(session.org.id, {
        file_id: unknownFile,
        provisioner: 'docker' as 'echo',
      }),
    )) as CoderApiError
    expect(bad.status).toBe(400)
    expect(bad.validations.map((v) => v.field)).toContain('provisioner')
  })
})

describe('templates (simulator)', () => {
  it('creates, finds by name and query, updates, promotes a version and deletes', async () => {
    const template = await createEchoTemplate(session.owner, session.org.id, 'crud-template')
    expect(template.name).toBe('crud-template')
    expect((await session.owner.template(template.id)).id).toBe(template.id)
    expect((await session.owner.templateByName(session.org.id, 'crud-template')).id).toBe(template.id)
    const listed = await session.owner.listTemplates({ q: 'exact_name:crud-template' })
    expect(listed.map((t) => t.id)).toEqual([template.id])
    expect((await session.owner.organizationTemplates(session.org.id)).map((t) => t.id)).toContain(
      template.id,
    )

    const updated = await session.owner.updateTemplate(template.id, {
      display_name: 'CRUD',
      description: 'x',
    })
    expect(updated.display_name).toBe('CRUD')
    const unchanged = await session.owner.updateTemplate(template.id, { display_name: 'CRUD' })
    expect(unchanged.display_name).toBe('CRUD') // 304 path re-reads the template

    const { hash } = await session.owner.uploadFile(createTar([{ name: 'v2.tf', content: '#2' }]))
    const v2 = await session.owner.createTemplateVersion(session.org.id, {
      file_id: hash,
      provisioner: 'echo',
      template_id: template.id,
    })
    await session.owner.waitForTemplateVersionJob(v2.id, fast)
    await session.owner.updateActiveTemplateVersion(template.id, v2.id)
    expect((await session.owner.template(template.id)).active_version_id).toBe(v2.id)

    expect((await session.owner.deleteTemplate(template.id)).message).toMatch(/deleted/i)
    expect(((await errorOf(session.owner.template(template.id))) as CoderApiError).status).toBe(404)
  })

  it('refuses a duplicate name with 409 and a member delete with 403', async () => {
    const template = await createEchoTemplate(session.owner, session.org.id, 'dup-template')
    const dup = (await errorOf(
      session.owner.createTemplate(session.org.id, {
        name: 'dup-template',
        template_version_id: template.active_version_id,
      }),
    )) as CoderApiError
    expect(dup.status).toBe(409)
    const { client: member } = await createUserClient(session, [], 'member')
    const forbidden = (await errorOf(member.deleteTemplate(template.id))) as CoderApiError
    expect(forbidden.status).toBe(403)
    const { client: admin } = await createUserClient(session, ['template-admin'], 'tadmin')
    await admin.deleteTemplate(template.id)
  })
})
