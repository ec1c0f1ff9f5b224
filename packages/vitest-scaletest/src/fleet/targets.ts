// Targeting existing scaletest workspaces (cli/exp_scaletest.go workspaceTargetFlags):
// `GET /workspaces?q=name:"scaletest-" [template:"T"] [owner:"me"]` 100 a page, then the half-open
// slice `--target-workspaces START:END` with Coder's parseTargetRange errors.

import type { CoderClient } from '../coder/client.ts'
import type { Workspace } from '../coder/workspace-schemas.ts'
import { isScaletestWorkspace } from './naming.ts'

export interface TargetRange {
  start: number
  end: number
}

/**
 * Coder's parseTargetRange (cli/exp_scaletest.go) with its messages: '' → everything; otherwise
 * START:END, END exclusive, START < END. Coder's strconv.Atoi takes a negative START and then
 * panics slicing; here that is a clear error too.
 */
export function parseTargetRange(name: string, targets: string): TargetRange | undefined {
  if (targets === '') return undefined
  const invalid = (why?: string) =>
    new Error(`invalid target ${name} ${JSON.stringify(targets)}${why ? `: ${why}` : ''}`)
  const parts = targets.split(':')
  if (parts.length !== 2) throw invalid()
  const [start, end] = parts.map((part) => {
    if (!/^[+-]?\d+$/.test(part))
      throw invalid(`strconv.Atoi: parsing ${JSON.stringify(part)}: invalid syntax`)
    return Number(part)
  }) as [number, number]
  if (start === end) throw invalid('start and end cannot be equal')
  if (end < start) throw invalid('end cannot be less than start')
  if (start < 0) throw invalid('start cannot be negative')
  return { start, end }
}

export async function listScaletestWorkspaces(
  client: CoderClient,
  options: { template?: string; ownerMe?: boolean; signal?: AbortSignal } = {},
): Promise<Workspace[]> {
  const q = [
    'name:"scaletest-"',
    options.template ? `template:"${options.template}"` : '',
    options.ownerMe ? 'owner:"me"' : '',
  ]
    .filter(Boolean)
    .join(' ')
  const out: Workspace[] = []
  for (let offset = 0; ; offset += 100) {
    const page = await client.listWorkspaces({ q, limit: 100, offset }, options.signal)
    out.push(...page.workspaces.filter(isScaletestWorkspace))
    if (page.workspaces.length < 100) return out
  }
}

/** The targeted slice; an empty list or an END past it is an error, as in Coder. */
export function sliceTargets<T>(workspaces: T[], range: TargetRange | undefined): T[] {
  if (workspaces.length === 0) throw new Error('no scaletest workspaces exist')
  if (!range) return workspaces
  if (range.end > workspaces.length)
    throw new Error(
      `target workspace end ${range.end} is greater than the number of workspaces ${workspaces.length}`,
    )
  return workspaces.slice(range.start, range.end)
}
