import type { ProviderRecord } from './store.ts'

/**
 * A per-replica provider cache: each replica reads the provider table at most once per TTL, so an edit reaches
 * every replica only after the TTL (Coder: 10 s; coderd/x/chatd provider cache).
 */
export class ProviderCache {
  #ttlMs: number
  #replicas: { at: number; snapshot: Map<string, ProviderRecord> }[]
  #next = 0

  constructor(replicas: number, ttlMs: number) {
    this.#ttlMs = ttlMs
    this.#replicas = Array.from({ length: Math.max(1, replicas) }, () => ({
      at: -Infinity,
      snapshot: new Map(),
    }))
  }

  /** The provider as the next replica (round robin) sees it. */
  lookup(id: string, live: Map<string, ProviderRecord>): ProviderRecord | undefined {
    const replica = this.#replicas[this.#next++ % this.#replicas.length]!
    const at = Date.now()
    if (at - replica.at >= this.#ttlMs) {
      replica.snapshot = new Map([...live].map(([k, v]) => [k, structuredClone(v)]))
      replica.at = at
    }
    return replica.snapshot.get(id)
  }
}
