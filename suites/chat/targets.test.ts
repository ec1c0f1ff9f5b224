// Workspace targeting against the simulator: the scaletest-* fleet, --template, --target-workspaces.
import { afterEach, beforeEach, expect, it } from 'vitest'

import { CoderClient, createTar } from '@scaletest/vitest'
import { startSimulatorTarget } from '../test/support/simulator-target.ts'
import { targetWorkspaces } from './targets.ts'

const teardown: Array<() => Promise<void>> = []
let coder: CoderClient
let templateIds: Record<string, string>

async function template(org: string, name: string): Promise<string> {
  const { hash } = await coder.uploadFile(createTar([{ name: 'main.tf', content: '# echo\n' }]))
  const version = await coder.createTemplateVersion(org, { file_id: hash, provisioner: 'echo' })
  await coder.waitForTemplateVersionJob(version.id, { intervalMs: 20, timeoutMs: 10_000 })
  return (await coder.createTemplate(org, { name, template_version_id: version.id })).id
}

beforeEach(async () => {
  const target = await startSimulatorTarget({ jobDurationMs: 10 }, teardown)
  coder = new CoderClient({ url: target.coderd.url, sessionToken: target.sessionToken })
  const org = (await coder.defaultOrganization()).id
  templateIds = { docker: await template(org, 'docker'), k8s: await template(org, 'k8s') }
  // Created out of order; targeting sorts by name.
  for (const [name, tpl] of [
    ['scaletest-c', 'docker'],
    ['scaletest-a', 'docker'],
    ['scaletest-b', 'k8s'],
    ['scaletest-d', 'docker'],
    ['dev-box', 'docker'],
  ] as const)
    await coder.createWorkspace({ name, template_id: templateIds[tpl]! })
})
afterEach(async () => {
  await coder[Symbol.asyncDispose]()
  for (const step of teardown.splice(0).reverse()) await step()
})

const names = async (ws: { id: string }[]) => {
  const { workspaces } = await coder.listWorkspaces()
  return ws.map((w) => workspaces.find((x) => x.id === w.id)?.name)
}

it('targets the scaletest-* workspaces sorted by name, by template (name or ID), sliced END-exclusive', async () => {
  expect(await names(await targetWorkspaces(coder, { range: undefined, template: undefined }))).toEqual([
    'scaletest-a',
    'scaletest-b',
    'scaletest-c',
    'scaletest-d',
  ])
  expect(await names(await targetWorkspaces(coder, { range: undefined, template: 'docker' }))).toEqual([
    'scaletest-a',
    'scaletest-c',
    'scaletest-d',
  ])
  expect(
    await names(await targetWorkspaces(coder, { range: { start: 1, end: 3 }, template: templateIds.docker })),
  ).toEqual(['scaletest-c', 'scaletest-d'])
  await expect(targetWorkspaces(coder, { range: { start: 0, end: 5 }, template: undefined })).rejects.toThrow(
    'parse target workspaces: target workspace end 5 is greater than the number of workspaces 4',
  )
  await expect(targetWorkspaces(coder, { range: undefined, template: 'nope' })).rejects.toThrow(
    'parse template: could not find template "nope" in any organization',
  )
  // A template without scaletest workspaces: none, so the run goes without a workspace.
  const org = (await coder.defaultOrganization()).id
  await template(org, 'empty')
  expect(await targetWorkspaces(coder, { range: { start: 0, end: 2 }, template: 'empty' })).toEqual([])
}, 60_000)
