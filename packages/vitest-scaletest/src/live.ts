// Live data of a running test for the reporter: fixtures register a source per test (metrics,
// harness progress) and the scenario runner sends what they return in task.meta.scaletest.live
// every second. The registry lives on globalThis because the runner and the fixtures are loaded
// through different module graphs of the same worker.

const KEY = Symbol.for('scaletest.live-sources')
type Source = () => unknown

function registry(): Map<string, Map<string, Source>> {
  const g = globalThis as { [KEY]?: Map<string, Map<string, Source>> }
  g[KEY] ??= new Map()
  return g[KEY]
}

/** Register `source` as part `part` of test `taskId`'s live data; returns the unregister function. */
export function registerLiveSource(taskId: string, part: string, source: Source): () => void {
  const parts = registry().get(taskId) ?? new Map<string, Source>()
  parts.set(part, source)
  registry().set(taskId, parts)
  return () => {
    parts.delete(part)
    if (parts.size === 0) registry().delete(taskId)
  }
}

/** The current live data of a test, or undefined when nothing is registered for it. */
export function readLive(taskId: string): Record<string, unknown> | undefined {
  const parts = registry().get(taskId)
  if (parts === undefined || parts.size === 0) return undefined
  const out: Record<string, unknown> = {}
  for (const [part, source] of parts) out[part] = source()
  return out
}

/** What the reporter receives in task.meta.scaletest.live. */
export interface LiveTaskData {
  /** MetricsRecorder.liveSnapshot(): totals so far and the latest closed intervals. */
  metrics?: unknown
  /** TestHarness.progress(). */
  harness?: { started: number; passed: number; failed: number }
}
