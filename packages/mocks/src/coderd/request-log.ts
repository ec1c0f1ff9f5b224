// The last requests the simulator answered, for tests that must show when a client asked for
// something (e.g. external-agent credentials only after the build job succeeded). Off by default;
// WebSocket upgrades are not recorded. Only the path is kept: query strings may carry tokens.

export interface LoggedRequest {
  /** Arrival, ms since the epoch. */
  at: number
  method: string
  path: string
  /** The matched route (`/api/v2/workspaces/:workspace/…`), undefined when none matched. */
  pattern: string | undefined
  status: number
  /** The authenticated caller, undefined on public routes or when authentication failed. */
  username: string | undefined
}

export class RequestLog {
  readonly #size: number
  #entries: LoggedRequest[] = []

  constructor(size: number) {
    this.#size = size
  }

  get enabled(): boolean {
    return this.#size > 0
  }

  add(entry: LoggedRequest): void {
    if (this.#size === 0) return
    this.#entries.push(entry)
    if (this.#entries.length > this.#size) this.#entries.splice(0, this.#entries.length - this.#size)
  }

  all(): LoggedRequest[] {
    return [...this.#entries]
  }
}
