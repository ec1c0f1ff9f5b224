// A ticker that keeps its schedule: tick k is due at start + k × interval whatever happened
// before. A tick that starts after it was due is counted late and its lateness is part of the
// latencies measured from the due time (Go's blocking time.Ticker drops ticks and hides it).

import { setTimeout as sleep } from 'node:timers/promises'

export interface Tick {
  index: number
  /** performance.now() when the tick was due. */
  due: number
  late: boolean
}

export async function* ticks(
  intervalMs: number,
  durationMs: number,
  signal: AbortSignal,
): AsyncGenerator<Tick> {
  const start = performance.now()
  const slack = Math.max(1, intervalMs / 10)
  for (let index = 1; ; index++) {
    const due = start + index * intervalMs
    if (due - start > durationMs) return
    // Timers may fire a little early on the performance clock: sleep again until it is due.
    for (let wait = due - performance.now(); wait > 0; wait = due - performance.now())
      await sleep(Math.ceil(wait), undefined, { signal })
    signal.throwIfAborted()
    yield { index, due, late: performance.now() - due > slack }
  }
}
