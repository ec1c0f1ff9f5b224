// Coder's cleanup pauses the prebuild reconciler first, so it does not rebuild what cleanup
// deletes, and resumes it at the end (`PUT /api/v2/prebuilds/settings`, enterprise). A deployment
// without prebuilds answers 404: nothing to pause.

export interface ReconcilerPause {
  /** Whether the reconciler was running and is now paused by us. */
  paused: boolean
  resume(): Promise<void>
}

async function put(url: string, token: string, paused: boolean): Promise<Response> {
  return fetch(`${url}/api/v2/prebuilds/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'Coder-Session-Token': token },
    body: JSON.stringify({ reconciliation_paused: paused }),
  })
}

export async function pausePrebuildReconciler(url: string, token: string): Promise<ReconcilerPause> {
  const current = await fetch(`${url}/api/v2/prebuilds/settings`, {
    headers: { 'Coder-Session-Token': token },
  })
  if (current.status === 404) return { paused: false, resume: async () => {} }
  if (!current.ok) throw new Error(`GET /api/v2/prebuilds/settings: ${current.status}`)
  const settings = (await current.json()) as { reconciliation_paused?: boolean }
  if (settings.reconciliation_paused) return { paused: false, resume: async () => {} }
  const res = await put(url, token, true)
  if (!res.ok) throw new Error(`pause the prebuild reconciler: ${res.status}`)
  return {
    paused: true,
    async resume() {
      const done = await put(url, token, false)
      if (!done.ok) throw new Error(`resume the prebuild reconciler: ${done.status}`)
    },
  }
}
