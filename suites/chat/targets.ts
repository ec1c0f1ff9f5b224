// The workspaces a run targets (Coder: cli/exp_scaletest.go workspaceTargetFlags.getTargetedWorkspaces,
// getScaletestWorkspaces, parseTemplate): `scaletest-*` workspaces (by name or owner), optionally of one
// template, sorted by name, sliced by `--target-workspaces`. None found ⇒ chats without a workspace
// (the chat command sets allowEmpty).

import type { CoderClient, TargetRange } from '@scaletest/vitest'

const PAGE = 100
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function targetWorkspaces(
  coder: CoderClient,
  options: { range: TargetRange | undefined; template: string | undefined },
): Promise<{ id: string; organization_id: string }[]> {
  const template = options.template ? await templateName(coder, options.template) : undefined
  const q = template ? `name:scaletest- template:${template}` : 'name:scaletest-'
  const fleet: { id: string; name: string; owner_name: string; organization_id: string }[] = []
  for (let offset = 0; ; offset += PAGE) {
    const { workspaces } = await coder.listWorkspaces({ q, limit: PAGE, offset })
    if (workspaces.length === 0) break
    fleet.push(
      ...workspaces.filter((w) => w.name.startsWith('scaletest-') || w.owner_name.startsWith('scaletest-')),
    )
    if (workspaces.length < PAGE) break
  }
  fleet.sort((a, b) => a.name.localeCompare(b.name))
  const { range } = options
  if (!range || fleet.length === 0) return fleet
  const end = range.end === 0 ? fleet.length : range.end
  if (end > fleet.length)
    throw new Error(
      `parse target workspaces: target workspace end ${end} is greater than the number of workspaces ${fleet.length}`,
    )
  return fleet.slice(range.start, end)
}

/** parseTemplate: a template ID or a name in any of the caller's organizations. */
async function templateName(coder: CoderClient, template: string): Promise<string> {
  if (UUID.test(template)) return (await coder.template(template)).name
  const found = (await coder.listTemplates()).find((t) => t.name === template)
  if (!found) throw new Error(`parse template: could not find template "${template}" in any organization`)
  return found.name
}
