// Barrier stats a test left in task.meta.scaletest.barriers, summarised for results.json.
import type { BarrierSummary } from './write-results.ts'

interface RawStats {
  name?: unknown
  size?: unknown
  arrived?: unknown
  left?: unknown
  state?: unknown
  opened_after_ms?: unknown
  wait_ms?: unknown
}

export function readBarriers(raw: unknown[] | undefined): BarrierSummary[] {
  const out: BarrierSummary[] = []
  for (const entry of raw ?? []) {
    if (typeof entry !== 'object' || entry === null) continue
    const s = entry as RawStats
    const waits = Array.isArray(s.wait_ms) ? s.wait_ms.filter((v): v is number => typeof v === 'number') : []
    const sorted = [...waits].sort((a, b) => a - b)
    const at = (p: number) =>
      sorted.length === 0
        ? null
        : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
    out.push({
      name: String(s.name ?? 'barrier'),
      size: Number(s.size ?? 0),
      arrived: Number(s.arrived ?? 0),
      left: Number(s.left ?? 0),
      state: String(s.state ?? 'unknown'),
      opened_after_ms: typeof s.opened_after_ms === 'number' ? s.opened_after_ms : null,
      waits: { count: sorted.length, p50: at(50), p90: at(90), max: sorted.at(-1) ?? null },
    })
  }
  return out
}
