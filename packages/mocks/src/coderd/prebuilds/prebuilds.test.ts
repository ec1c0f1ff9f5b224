import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createUser, type Fixture, type Json, startFixture, waitFor } from '../test/sim-client.ts'
import { tarOf as makeTar } from '../test/tar.ts'
import { parsePresets } from './presets.ts'
import { PREBUILDS_USER_ID } from './system-user.ts'

// Coder's scaletest/prebuilds/tf/main.tf.tpl, rendered.
const mainTf = (presets: number, instances: number) => `terraform {
  required_providers {
    coder = { source = "coder/coder", version = "2.5.3" }
  }
}

resource "null_resource" "workspace" {}

data "coder_workspace_preset" "presets" {
  count = ${presets}
  name  = "preset-\${count.index + 1}"
  prebuilds {
    instances = ${instances}
  }
}
`

async function importTerraform(
  f: Fixture,
  files: Record<string, string>,
  templateId?: string,
): Promise<Json> {
  const { hash } = await f.owner.ok('POST', '/api/v2/files', makeTar(files), {
    'content-type': 'application/x-tar',
  })
  const version = await f.owner.ok('POST', `/api/v2/organizations/${f.orgId}/templateversions`, {
    storage_method: 'file',
    provisioner: 'terraform',
    file_id: hash,
    tags: {},
    ...(templateId && { template_id: templateId }),
  })
  return waitFor(async () => {
    const v = await f.owner.ok('GET', `/api/v2/templateversions/${version.id}`)
    return v.job.status === 'succeeded' ? v : undefined
  })
}

const prebuildsOf = async (f: Fixture, name: string): Promise<Json[]> =>
  (await f.owner.ok('GET', `/api/v2/workspaces?q=${encodeURIComponent(`template:"${name}"`)}`)).workspaces

describe('presets parsed from main.tf', () => {
  it('expands count into preset-1..N with their desired instances, parameters and defaults', () => {
    const presets = parsePresets(new Map([['main.tf', mainTf(3, 2)]]))
    expect(presets.map((p) => [p.name, p.desiredInstances])).toEqual([
      ['preset-1', 2],
      ['preset-2', 2],
      ['preset-3', 2],
    ])
    const literal = parsePresets(
      new Map([
        [
          'main.tf',
          `data "coder_workspace_preset" "dev" {
  name = "Dev"
  default = true
  parameters = {
    "region" = "eu"
  }
}`,
        ],
      ]),
    )
    expect(literal).toEqual([
      expect.objectContaining({
        name: 'Dev',
        isDefault: true,
        desiredInstances: null,
        parameters: [{ name: 'region', value: 'eu' }],
      }),
    ])
    expect(parsePresets(new Map([['main.tf', mainTf(0, 5)]]))).toEqual([])
  })
})

describe('prebuilds reconciler and settings', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture({ jobDurationMs: 20, prebuilds: { reconcileIntervalMs: 50, paused: true } })
  })
  afterAll(() => f.sim.close())

  it('PUT /prebuilds/settings pauses and resumes (304 when unchanged, 403 for a member)', async () => {
    expect(await f.owner.ok('GET', '/api/v2/prebuilds/settings')).toEqual({ reconciliation_paused: true })
    const same = await f.owner.call('PUT', '/api/v2/prebuilds/settings', { reconciliation_paused: true })
    expect(same.status).toBe(304)
    const bad = await f.owner.call('PUT', '/api/v2/prebuilds/settings', { reconciliation_paused: 'yes' })
    expect(bad.status).toBe(400)
    const member = await createUser(f)
    const denied = await member.client.call('PUT', '/api/v2/prebuilds/settings', {
      reconciliation_paused: false,
    })
    expect(denied.status).toBe(403)
  })

  it('creates presets × instances prebuilds owned by the prebuilds user, and deletes them when the presets go', async () => {
    const version = await importTerraform(f, { 'main.tf': mainTf(2, 3) })
    const presets = await f.owner.ok('GET', `/api/v2/templateversions/${version.id}/presets`)
    expect(presets).toHaveLength(2)
    expect(presets[0]).toEqual({
      ID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      Name: 'preset-1',
      Parameters: [],
      Default: false,
      DesiredPrebuildInstances: 3,
      Description: '',
      Icon: '',
    })
    const template = await f.owner.ok('POST', `/api/v2/organizations/${f.orgId}/templates`, {
      name: 'prebuilt',
      template_version_id: version.id,
    })
    // Paused: nothing happens.
    expect(f.sim.reconcilePrebuilds()).toEqual({ created: 0, deleted: 0 })
    expect(await prebuildsOf(f, 'prebuilt')).toHaveLength(0)

    await f.owner.ok('PUT', '/api/v2/prebuilds/settings', { reconciliation_paused: false })
    const created = await waitFor(async () => {
      const list = await prebuildsOf(f, 'prebuilt')
      return list.length === 6 && list.every((w) => w.latest_build.job.status === 'succeeded')
        ? list
        : undefined
    })
    for (const workspace of created) {
      expect(workspace).toMatchObject({
        owner_id: PREBUILDS_USER_ID,
        owner_name: 'prebuilds',
        is_prebuild: true,
      })
      expect(workspace.name).toMatch(/^prebuild-/)
    }
    // At the desired count a pass changes nothing.
    expect(f.sim.reconcilePrebuilds()).toEqual({ created: 0, deleted: 0 })

    // Pause, promote a version without presets, resume: every prebuild is deleted.
    await f.owner.ok('PUT', '/api/v2/prebuilds/settings', { reconciliation_paused: true })
    const empty = await importTerraform(f, { 'main.tf': mainTf(0, 0) }, template.id)
    await f.owner.ok('PATCH', `/api/v2/templates/${template.id}/versions`, { id: empty.id })
    expect(await prebuildsOf(f, 'prebuilt')).toHaveLength(6)
    await f.owner.ok('PUT', '/api/v2/prebuilds/settings', { reconciliation_paused: false })
    await waitFor(async () => (await prebuildsOf(f, 'prebuilt')).length === 0)
    expect((await f.owner.call('DELETE', `/api/v2/templates/${template.id}`)).status).toBe(200)
  })
})
