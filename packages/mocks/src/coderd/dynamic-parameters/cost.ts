// The simulated price of one evaluation: `evaluators` evaluations run at once, each holding its slot
// for `evaluationCostMs` (plus `coldCostMs` the first time a version is rendered, Coder's per-version
// file and module cache warming up). Past `evaluators` concurrent sessions, load shows up as queueing,
// i.e. latency, as it does on a coderd whose CPUs are busy with the preview engine.

export interface EvaluationCostOptions {
  evaluationCostMs: number
  coldCostMs: number
  evaluators: number
}

export class EvaluationCost {
  #options: EvaluationCostOptions
  #busy = 0
  #waiting: (() => void)[] = []
  #warm = new Set<string>()
  #timers = new Set<NodeJS.Timeout>()
  #closed = false

  constructor(options: EvaluationCostOptions) {
    this.#options = options
  }

  /** Resolves once this evaluation of `versionId` has been paid for. */
  async pay(versionId: string): Promise<void> {
    const cold = !this.#warm.has(versionId)
    this.#warm.add(versionId)
    const ms = this.#options.evaluationCostMs + (cold ? this.#options.coldCostMs : 0)
    if (ms === 0 || this.#closed) return
    if (this.#busy >= this.#options.evaluators) await new Promise<void>((r) => this.#waiting.push(r))
    this.#busy++
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer)
          resolve()
        }, ms)
        this.#timers.add(timer)
      })
    } finally {
      this.#busy--
      this.#waiting.shift()?.()
    }
  }

  close(): void {
    this.#closed = true
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    for (const wake of this.#waiting.splice(0)) wake()
  }
}
