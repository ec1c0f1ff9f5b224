// Interceptions as AI Bridge records them (one per proxied request) and the list query over them.
// Shapes: codersdk/aibridge.go (AIBridgeInterception, AIBridgeTokenUsage, AIBridgeUserPrompt,
// AIBridgeToolUsage); query and pagination: enterprise/coderd/aibridge.go aiBridgeListInterceptions
// and coderd/searchquery AIBridgeInterceptions.

import { randomUUID } from 'node:crypto'

import { minimalUserJson } from '../convert.ts'
import { ApiError, badRequest } from '../http/api-error.ts'
import type { UserRecord } from '../records.ts'
import { isUuid, type SimState } from '../state.ts'
import type { Observed } from './observe.ts'

export type BridgeProvider = 'openai' | 'anthropic'

export interface TokenUsageRecord {
  providerResponseId: string
  inputTokens: number
  outputTokens: number
  createdAt: string
}

export interface ToolUsageRecord {
  providerResponseId: string
  tool: string
  input: string
  createdAt: string
}

export interface InterceptionRecord {
  id: string
  apiKeyId: string
  initiatorId: string
  provider: BridgeProvider
  model: string
  client: string | null
  /** Which API was called: `chat_completions`, `responses`, `messages`; `streaming`. */
  metadata: Record<string, unknown>
  startedAt: string
  endedAt: string | undefined
  /** Upstream status, or 502 when the upstream could not be reached. */
  status: number | undefined
  tokenUsages: TokenUsageRecord[]
  userPrompts: { providerResponseId: string; prompt: string; createdAt: string }[]
  toolUsages: ToolUsageRecord[]
  /** Milliseconds from the request to the upstream's response headers and to the end of the body. */
  timings: { firstByteMs?: number; totalMs?: number }
}

/** Stores what the answer reported: its usage, the prompt that asked for it, the tools it called. */
export function applyObserved(
  record: InterceptionRecord,
  observed: Observed,
  prompt: string | undefined,
): void {
  const createdAt = new Date().toISOString()
  const providerResponseId = observed.responseId
  if (observed.model && record.model === '') record.model = observed.model
  if (prompt !== undefined)
    record.userPrompts.push({ providerResponseId, prompt: prompt.slice(0, MAX_PROMPT_CHARS), createdAt })
  if (observed.sawUsage)
    record.tokenUsages.push({
      providerResponseId,
      inputTokens: observed.inputTokens,
      outputTokens: observed.outputTokens,
      createdAt,
    })
  for (const call of observed.toolCalls) record.toolUsages.push({ providerResponseId, ...call, createdAt })
}

export const DEFAULT_LIST_LIMIT = 100
export const MAX_LIST_LIMIT = 1000

/** Interceptions kept by default; the oldest go first, so a long open-model run stays bounded. */
export const DEFAULT_MAX_INTERCEPTIONS = 100_000
/** A recorded user prompt is cut to this many characters (a payload-size run sends megabytes). */
export const MAX_PROMPT_CHARS = 4096

export class InterceptionStore {
  /** Newest last from `#start` on; listed newest first. */
  #records: InterceptionRecord[] = []
  #start = 0
  readonly #max: number

  constructor(max = DEFAULT_MAX_INTERCEPTIONS) {
    this.#max = max
  }

  begin(
    init: Omit<
      InterceptionRecord,
      'id' | 'startedAt' | 'endedAt' | 'status' | 'tokenUsages' | 'userPrompts' | 'toolUsages' | 'timings'
    >,
  ): InterceptionRecord {
    const record: InterceptionRecord = {
      ...init,
      id: randomUUID(),
      startedAt: new Date().toISOString(),
      endedAt: undefined,
      status: undefined,
      tokenUsages: [],
      userPrompts: [],
      toolUsages: [],
      timings: {},
    }
    this.#records.push(record)
    if (this.#records.length - this.#start > this.#max) this.#start++
    // Compact now and then instead of shifting on every insert.
    if (this.#start > 1024 && this.#start * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#start)
      this.#start = 0
    }
    return record
  }

  get size(): number {
    return this.#records.length - this.#start
  }

  /** Oldest first. */
  all(): InterceptionRecord[] {
    return this.#records.slice(this.#start)
  }

  /**
   * `GET /api/v2/aibridge/interceptions`: owners see every interception, other users their own.
   * Newest first (started_at DESC, id DESC); `after_id` continues after that row, `offset` skips rows.
   */
  list(state: SimState, caller: UserRecord, url: URL): { count: number; results: unknown[] } {
    const query = url.searchParams
    const limit = intParam(query, 'limit') ?? 0
    const offset = intParam(query, 'offset') ?? 0
    const afterId = query.get('after_id') ?? ''
    if (afterId !== '' && !isUuid(afterId))
      throw badRequest('Query parameter has invalid value.', [
        { field: 'after_id', detail: `Query param "after_id" must be a valid uuid` },
      ])
    if (afterId !== '' && offset !== 0)
      throw new ApiError(400, 'Query parameters have invalid values.', {
        detail: 'Cannot use both after_id and offset pagination in the same request.',
      })
    const pageLimit = limit === 0 ? DEFAULT_LIST_LIMIT : limit
    if (pageLimit > MAX_LIST_LIMIT || pageLimit < 1)
      throw new ApiError(400, 'Invalid pagination limit value.', {
        detail: `Pagination limit must be in range (0, ${MAX_LIST_LIMIT}]`,
      })
    const filter = parseQuery(state, caller, query.get('q') ?? '')
    const kept = this.all()
    const visible = caller.siteRoles.includes('owner')
      ? kept
      : kept.filter((r) => r.initiatorId === caller.id)
    const matching = visible.filter(filter).reverse()
    let start = offset
    if (afterId !== '') {
      const at = matching.findIndex((r) => r.id === afterId.toLowerCase())
      start = at === -1 ? matching.length : at + 1
    }
    const page = matching.slice(start, start + pageLimit)
    return { count: matching.length, results: page.map((r) => interceptionJson(state, r)) }
  }
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name)
  if (raw === null || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0)
    throw badRequest('Query parameter has invalid value.', [
      { field: name, detail: `Query param "${name}" must be a valid positive integer` },
    ])
  return n
}

/** Coder's `q` grammar for interceptions: space-separated `key:value`, values optionally quoted. */
function parseQuery(state: SimState, caller: UserRecord, q: string): (r: InterceptionRecord) => boolean {
  const checks: Array<(r: InterceptionRecord) => boolean> = []
  const validations: { field: string; detail: string }[] = []
  for (const term of q.match(/\S+:"[^"]*"|\S+/g) ?? []) {
    const colon = term.indexOf(':')
    if (colon === -1) {
      validations.push({ field: 'q', detail: `Query element "${term}" can only contain 1 ':'` })
      continue
    }
    const key = term.slice(0, colon)
    const value = term.slice(colon + 1).replace(/^"(.*)"$/, '$1')
    switch (key) {
      case 'initiator': {
        const user =
          value === 'me'
            ? caller
            : isUuid(value)
              ? state.users.get(value.toLowerCase())
              : state.usersByUsername.get(value.toLowerCase())
        if (!user) validations.push({ field: 'initiator', detail: `user "${value}" not found` })
        else checks.push((r) => r.initiatorId === user.id)
        break
      }
      case 'provider':
        checks.push((r) => r.provider === value)
        break
      case 'model':
        checks.push((r) => r.model === value)
        break
      case 'client':
        checks.push((r) => r.client === value)
        break
      case 'started_after':
      case 'started_before': {
        const at = Date.parse(value)
        if (Number.isNaN(at)) {
          validations.push({
            field: key,
            detail: `Query param "${key}" must be a valid date format (RFC3339)`,
          })
          break
        }
        checks.push(
          key === 'started_after' ? (r) => Date.parse(r.startedAt) > at : (r) => Date.parse(r.startedAt) < at,
        )
        break
      }
      default:
        validations.push({ field: key, detail: `"${key}" is not a valid query param` })
    }
  }
  if (validations.length > 0) throw badRequest('Invalid AI Bridge interceptions search query.', validations)
  return (r) => checks.every((check) => check(r))
}

/** codersdk.AIBridgeInterception. */
export function interceptionJson(state: SimState, r: InterceptionRecord) {
  const user = state.users.get(r.initiatorId)
  return {
    id: r.id,
    api_key_id: r.apiKeyId,
    initiator: minimalUserJson(r.initiatorId, user),
    provider: r.provider,
    model: r.model,
    client: r.client,
    metadata: r.metadata,
    started_at: r.startedAt,
    ended_at: r.endedAt ?? null,
    token_usages: r.tokenUsages.map((t, i) => ({
      id: subId(r.id, 't', i),
      interception_id: r.id,
      provider_response_id: t.providerResponseId,
      input_tokens: t.inputTokens,
      output_tokens: t.outputTokens,
      metadata: {},
      created_at: t.createdAt,
    })),
    user_prompts: r.userPrompts.map((p, i) => ({
      id: subId(r.id, 'p', i),
      interception_id: r.id,
      provider_response_id: p.providerResponseId,
      prompt: p.prompt,
      metadata: {},
      created_at: p.createdAt,
    })),
    tool_usages: r.toolUsages.map((t, i) => ({
      id: subId(r.id, 'u', i),
      interception_id: r.id,
      provider_response_id: t.providerResponseId,
      server_url: '',
      tool: t.tool,
      input: t.input,
      injected: false,
      invocation_error: '',
      metadata: {},
      created_at: t.createdAt,
    })),
  }
}

// Stable ids for sub-records, derived from the interception id (UUID-shaped).
function subId(id: string, kind: 't' | 'p' | 'u', index: number): string {
  const tail = `${kind === 't' ? 1 : kind === 'p' ? 2 : 3}${index.toString(16).padStart(11, '0')}`
  return `${id.slice(0, 24)}${tail}`
}
