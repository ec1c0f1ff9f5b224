import type { IncomingMessage, ServerResponse } from 'node:http'

export type Params = Record<string, string>

export interface Route<C> {
  method: string
  pattern: string
  handler: (ctx: C) => Promise<void> | void
  /** Answers without a session token (first user, login, buildinfo). */
  public?: boolean
}

interface Compiled<C> {
  route: Route<C>
  segments: string[]
}

/** Segment-by-segment matcher: literal segments win over `:param` ones, so `/users/first` beats `/users/:user`. */
export class Router<C> {
  #byMethod = new Map<string, Map<number, Compiled<C>[]>>()

  add(route: Route<C>): void {
    const segments = route.pattern.split('/').filter(Boolean)
    let byLength = this.#byMethod.get(route.method)
    if (!byLength) {
      byLength = new Map()
      this.#byMethod.set(route.method, byLength)
    }
    const list = byLength.get(segments.length) ?? []
    list.push({ route, segments })
    list.sort((a, b) => paramCount(a.segments) - paramCount(b.segments))
    byLength.set(segments.length, list)
  }

  /** Every registered route as `{method, pattern}` (the conformance test compares them with Coder's swagger). */
  routes(): { method: string; pattern: string }[] {
    return [...this.#byMethod.values()].flatMap((byLength) =>
      [...byLength.values()].flatMap((list) =>
        list.map(({ route }) => ({ method: route.method, pattern: route.pattern })),
      ),
    )
  }

  match(
    method: string,
    pathname: string,
  ): { route: Route<C>; params: Params } | 'method-not-allowed' | undefined {
    const parts = pathname.split('/').filter(Boolean)
    const found = this.#find(method, parts)
    if (found) return found
    for (const other of this.#byMethod.keys())
      if (other !== method && this.#find(other, parts)) return 'method-not-allowed'
    return undefined
  }

  #find(method: string, parts: string[]): { route: Route<C>; params: Params } | undefined {
    const candidates = this.#byMethod.get(method)?.get(parts.length)
    if (!candidates) return undefined
    outer: for (const { route, segments } of candidates) {
      const params: Params = {}
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i]!
        const part = parts[i]!
        if (segment.startsWith(':')) {
          try {
            params[segment.slice(1)] = decodeURIComponent(part)
          } catch {
            continue outer
          }
        } else if (segment !== part) continue outer
      }
      return { route, params }
    }
    return undefined
  }
}

function paramCount(segments: string[]): number {
  return segments.filter((s) => s.startsWith(':')).length
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void
