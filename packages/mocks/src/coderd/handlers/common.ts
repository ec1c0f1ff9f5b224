import { ApiError, badRequest, notFound, type Validation } from '../http/api-error.ts'
import type { UserRecord } from '../records.ts'
import type { Ctx } from '../sim.ts'
import { isUuid } from '../state.ts'

/** `{user}` path parameter: `me`, a username or an id. */
export function resolveUser(ctx: Ctx, ref: string): UserRecord {
  if (ref === 'me') return ctx.user
  const user = ctx.sim.state.findUser(ref)
  if (!user) throw notFound()
  return user
}

export function requireUuid(value: string, field: string): string {
  if (!isUuid(value))
    throw badRequest(`Invalid UUID "${value}".`, [{ field, detail: 'must be a valid UUID' }])
  return value.toLowerCase()
}

export interface Page {
  limit: number
  offset: number
  afterId: string | undefined
}

/** `limit` (0 = all), `offset`, `after_id`, as coderd/pagination.go reads them. */
export function readPage(url: URL): Page {
  const validations: Validation[] = []
  const int = (name: string): number => {
    const raw = url.searchParams.get(name)
    if (raw === null || raw === '') return 0
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 0) {
      validations.push({ field: name, detail: `Query param "${name}" must be a non-negative integer.` })
      return 0
    }
    return value
  }
  const limit = int('limit')
  const offset = int('offset')
  const afterId = url.searchParams.get('after_id') || undefined
  if (afterId !== undefined && !isUuid(afterId))
    validations.push({ field: 'after_id', detail: `Query param "after_id" must be a valid UUID.` })
  if (validations.length > 0) throw badRequest('Query parameters have invalid values.', validations)
  return { limit, offset, afterId }
}

export function paginate<T extends { id: string }>(items: T[], page: Page): T[] {
  let start = page.offset
  if (page.afterId) {
    const index = items.findIndex((item) => item.id === page.afterId)
    if (index < 0)
      throw badRequest('Query parameters have invalid values.', [
        { field: 'after_id', detail: `The after_id "${page.afterId}" does not exist.` },
      ])
    start += index + 1
  }
  return page.limit > 0 ? items.slice(start, start + page.limit) : items.slice(start)
}

/** Splits a search query into `key:value` filters (values may be quoted) and bare words. */
export function parseSearch(q: string): { filters: [string, string][]; words: string[] } {
  const filters: [string, string][] = []
  const words: string[] = []
  const pattern = /([\w-]+):(?:"([^"]*)"|(\S*))|"([^"]*)"|(\S+)/g
  for (const match of q.matchAll(pattern)) {
    if (match[1] !== undefined) filters.push([match[1].toLowerCase(), match[2] ?? match[3] ?? ''])
    else words.push(match[4] ?? match[5] ?? '')
  }
  return { filters, words }
}

export function conflict(message: string, validations?: Validation[]): ApiError {
  return new ApiError(409, message, validations ? { validations } : {})
}
