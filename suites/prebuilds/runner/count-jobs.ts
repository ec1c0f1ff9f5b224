// What Coder's runner counts on each poll of a template's workspaces (measureCreation and
// measureDeletion in scaletest/prebuilds/run.go).

import type { Workspace } from '@scaletest/vitest'
import type { JobCounts } from './metrics.ts'

/** Creation: every workspace is a created job, classified by its latest build's job status. */
export function creationCounts(workspaces: Workspace[]): JobCounts {
  const counts = { created: workspaces.length, running: 0, failed: 0, completed: 0 }
  for (const ws of workspaces) {
    const status = ws.latest_build.job.status
    if (status === 'running') counts.running++
    else if (status === 'failed' || status === 'canceled') counts.failed++
    else if (status === 'succeeded') counts.completed++
  }
  return counts
}

/** Deletion: delete builds still listed plus workspaces gone; completed = expected − remaining. */
export function deletionCounts(workspaces: Workspace[], expected: number): JobCounts {
  const counts = { created: 0, running: 0, failed: 0, completed: expected - workspaces.length }
  for (const ws of workspaces) {
    if (ws.latest_build.transition !== 'delete') continue
    counts.created++
    const status = ws.latest_build.job.status
    if (status === 'running') counts.running++
    else if (status === 'failed' || status === 'canceled') counts.failed++
  }
  counts.created += counts.completed
  return counts
}
