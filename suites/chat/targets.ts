// The workspaces a run targets: the `scaletest-*` fleet sorted by name, sliced by `--target-workspaces`
// (Coder: cli/exp_scaletest.go workspace targeting). None found ⇒ chats without a workspace.

import type { CoderClient } from '@scaletest/vitest'
import type { TargetRange } from './config.ts'

export async function targetWorkspaces(
  coder: CoderClient,
  range: TargetRange | undefined,
): Promise<{ id: string }[]> {
  const { workspaces } = await coder.listWorkspaces({ q: 'name:scaletest-' })
  const fleet = workspaces
    .filter((w) => w.name.startsWith('scaletest-'))
    .sort((a, b) => a.name.localeCompare(b.name))
  if (!range) return fleet
  if (range.end > fleet.length)
    throw new Error(`target range end ${range.end} exceeds the ${fleet.length} scaletest workspace(s) found`)
  return fleet.slice(range.start, range.end)
}
