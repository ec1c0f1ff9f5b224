// First SIGINT or SIGTERM: cancel the run gracefully, so running scenarios stop, clean up and
// report partial results (the workers' ScaletestRunner turns the cancel into an interrupt).
// A second signal does what Vitest does by default: exit at once.
import type { Vitest } from 'vitest/node'

const SIGNALS = ['SIGINT', 'SIGTERM'] as const
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const

export interface InterruptHandling {
  /** 130 after SIGINT, 143 after SIGTERM, undefined while no signal came. */
  exitCode(): number | undefined
  restore(): void
}

export function handleInterrupts(vitest: Vitest, log: (message: string) => void): InterruptHandling {
  let interrupted: (typeof SIGNALS)[number] | undefined
  const restore: Array<() => void> = []
  for (const signal of SIGNALS) {
    // Vitest's own listener exits the process within a millisecond; keep it for the second signal.
    const previous = process.listeners(signal) as Array<(signal: NodeJS.Signals) => void>
    for (const listener of previous) process.off(signal, listener)
    const onSignal = () => {
      if (interrupted) {
        for (const listener of previous) listener(signal)
        if (previous.length === 0) process.exit(EXIT_CODES[signal])
        return
      }
      interrupted = signal
      log(
        `${signal}: cancelling the run; running scenarios stop, clean up and write partial results (${signal} again exits at once)`,
      )
      void vitest.cancelCurrentRun('keyboard-input')
    }
    process.on(signal, onSignal)
    restore.push(() => {
      process.off(signal, onSignal)
      for (const listener of previous) process.on(signal, listener)
    })
  }
  return {
    exitCode: () => (interrupted ? EXIT_CODES[interrupted] : undefined),
    restore: () => {
      for (const undo of restore) undo()
    },
  }
}
