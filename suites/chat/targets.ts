// The workspaces a run targets (Coder: cli/exp_scaletest.go workspaceTargetFlags.getTargetedWorkspaces,
// getScaletestWorkspaces, parseTemplate): `scaletest-*` workspaces (by name or owner), optionally of one
// template, sorted by name, sliced by `--target-workspaces`. None found ⇒ chats without a workspace
// (the chat command sets allowEmpty).

import {
  type CoderClient,
  listScaletestWorkspaces,
  resolveTemplate,
  sliceTargets,
  type TargetRange,
} from '@scaletest/vitest'

export async function targetWorkspaces(
  coder: CoderClient,
  options: { range: TargetRange | undefined; template: string | undefined },
): Promise<{ id: string; organization_id: string }[]> {
  const template = options.template ? await templateName(coder, options.template) : undefined
  const fleet = await listScaletestWorkspaces(coder, template ? { template } : {})
  if (fleet.length === 0) return []
  fleet.sort((a, b) => a.name.localeCompare(b.name))
  try {
    return sliceTargets(fleet, options.range)
  } catch (error) {
    throw new Error(`parse target workspaces: ${(error as Error).message}`)
  }
}

async function templateName(coder: CoderClient, template: string): Promise<string> {
  try {
    return (await resolveTemplate(coder, template, (await coder.me()).organization_ids)).name
  } catch (error) {
    throw new Error(`parse template: ${(error as Error).message}`)
  }
}
