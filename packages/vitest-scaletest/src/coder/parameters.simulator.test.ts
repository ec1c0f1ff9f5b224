import { afterAll, beforeAll, expect, it } from 'vitest'

import { CoderStreamError } from './errors.ts'
import { type SimulatorSession, startSimulatorSession } from './simulator-setup.ts'
import { createTar } from './tar.ts'

let session: SimulatorSession

beforeAll(async () => {
  session = await startSimulatorSession({ prebuilds: { reconcileIntervalMs: 60_000, paused: false } })
})
afterAll(() => session?.close())

const fast = { intervalMs: 20, timeoutMs: 10_000 }

async function terraformVersion(files: Record<string, string>) {
  const tar = createTar(Object.entries(files).map(([name, content]) => ({ name, content })))
  const { hash } = await session.owner.uploadFile(tar)
  const version = await session.owner.createTemplateVersion(session.org.id, {
    file_id: hash,
    provisioner: 'terraform',
  })
  return session.owner.waitForTemplateVersionJob(version.id, fast)
}

it('reads presets with their desired prebuild instances (PascalCase, validated)', async () => {
  const version = await terraformVersion({
    'main.tf': `data "coder_workspace_preset" "p" {
  count = 2
  name  = "preset-\${count.index + 1}"
  prebuilds {
    instances = 4
  }
}
`,
  })
  const presets = await session.owner.templateVersionPresets(version.id)
  expect(presets.map((p) => [p.Name, p.DesiredPrebuildInstances])).toEqual([
    ['preset-1', 4],
    ['preset-2', 4],
  ])
})

it('pauses and resumes the reconciler; an unchanged PUT (304) is not an error', async () => {
  await session.owner.putPrebuildsSettings({ reconciliation_paused: true })
  expect(await session.owner.prebuildsSettings()).toEqual({ reconciliation_paused: true })
  await session.owner.putPrebuildsSettings({ reconciliation_paused: true })
  await session.owner.putPrebuildsSettings({ reconciliation_paused: false })
  expect(await session.owner.prebuildsSettings()).toEqual({ reconciliation_paused: false })
})

it('evaluates dynamic parameters over a websocket on a duplicated client: id -1, then the request id', async () => {
  const version = await terraformVersion({
    'main.tf': 'data "coder_parameter" "zero" {}\ndata "coder_parameter" "three" {}\n',
  })
  await using client = session.owner.duplicate()
  expect(client.dispatcher).not.toBe(session.owner.dispatcher)
  await using stream = await client.dynamicParameters(version.id)
  const first = await stream.next()
  expect(first?.id).toBe(-1)
  expect(first?.parameters?.map((p) => p.name)).toEqual(['zero', 'One', 'Two', 'Three', 'four'])
  await stream.send({ id: 7, inputs: { zero: 'B' } })
  const next = await stream.next()
  expect(next).toMatchObject({ id: 7, diagnostics: [] })
  expect(next?.parameters?.[0]?.value).toEqual({ value: 'B', valid: true })

  const once = await client.evaluateDynamicParameters(version.id, { id: 3, inputs: { zero: 'X' } })
  expect(once.id).toBe(0)
  expect(once.diagnostics).toEqual([expect.objectContaining({ summary: 'Invalid index' })])
  expect(once.parameters?.[0]?.diagnostics?.[0]?.summary).toBe('Value must be a valid option')
})

it('refuses to send on a one-way stream', async () => {
  await using logs = await session.owner.followTemplateVersionLogs(
    (await terraformVersion({ 'main.tf': '' })).id,
  )
  await expect(logs.send({})).rejects.toBeInstanceOf(CoderStreamError)
})
