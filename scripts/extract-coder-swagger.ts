// Extracts from Coder's swagger (coderd/apidoc/swagger.json) the endpoints the coderd simulator serves
// and the definitions they reference, converted to JSON Schema, into
// packages/mocks/src/coderd/conformance/coder-swagger.extract.json.
//
//   node scripts/extract-coder-swagger.ts <swagger.json path or URL> <coder commit> [--out <file>]
//
// Only `responses` of the listed endpoints are read; descriptions, examples and `x-*` keys are dropped.

import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

export interface Swagger {
  swagger: string
  basePath?: string
  info?: { license?: { name?: string; url?: string } }
  paths: Record<string, Record<string, { responses?: Record<string, { schema?: Json }> }>>
  definitions: Record<string, Json>
}

export interface Extract {
  source: {
    repository: string
    path: string
    commit: string
    license: string
    generator: string
    /** What the swagger lacks and was transcribed from Coder's Go source (name → Go file). */
    supplemented?: Record<string, string>
  }
  /** `METHOD /api/v2/path` → status → JSON Schema of the body (`null`: no body documented). */
  endpoints: Record<string, Record<string, Json>>
  definitions: Record<string, Json>
}

export interface ServedEndpoint {
  method: string
  path: string
}

// Every Coder endpoint the simulator serves, as swagger names it (path under basePath, swagger's
// parameter names). The conformance test checks that the simulator's router and its README list
// the same endpoints. Not here: test-control routes (/healthz, /__admin/*) and the chats and AI
// provider routes, which coderd serves under /api/experimental without documenting them in swagger.
// Nor GET /tailnet: Coder upgrades it to tailnet dRPC; the simulator answers a JSON stand-in there
// (the simulator README says how it differs), so no swagger body applies.
const e = (method: string, path: string): ServedEndpoint => ({ method, path })

export const SERVED_ENDPOINTS: readonly ServedEndpoint[] = [
  e('GET', '/aibridge/interceptions'),
  e('GET', '/buildinfo'),
  e('GET', '/experiments'),
  e('GET', '/experiments/available'),
  e('POST', '/files'),
  e('GET', '/files/{fileID}'),
  e('GET', '/notifications/dispatch-methods'),
  e('GET', '/notifications/inbox'),
  e('PUT', '/notifications/inbox/mark-all-as-read'),
  e('GET', '/notifications/inbox/watch'),
  e('PUT', '/notifications/inbox/{id}/read-status'),
  e('GET', '/notifications/settings'),
  e('PUT', '/notifications/settings'),
  e('GET', '/notifications/templates/system'),
  e('POST', '/notifications/test'),
  e('GET', '/organizations'),
  e('GET', '/organizations/{organization}'),
  e('GET', '/organizations/{organization}/members'),
  e('PUT', '/organizations/{organization}/members/{user}/roles'),
  e('POST', '/organizations/{organization}/members/{user}/workspaces'),
  e('GET', '/organizations/{organization}/provisionerjobs/{job}'),
  e('GET', '/organizations/{organization}/templates'),
  e('POST', '/organizations/{organization}/templates'),
  e('GET', '/organizations/{organization}/templates/{templatename}'),
  e('POST', '/organizations/{organization}/templateversions'),
  e('GET', '/prebuilds/settings'),
  e('PUT', '/prebuilds/settings'),
  e('GET', '/templates'),
  e('GET', '/templates/{template}'),
  e('PATCH', '/templates/{template}'),
  e('DELETE', '/templates/{template}'),
  e('GET', '/templates/{template}/versions'),
  e('PATCH', '/templates/{template}/versions'),
  e('GET', '/templateversions/{templateversion}'),
  e('PATCH', '/templateversions/{templateversion}/cancel'),
  e('GET', '/templateversions/{templateversion}/dynamic-parameters'),
  e('POST', '/templateversions/{templateversion}/dynamic-parameters/evaluate'),
  e('GET', '/templateversions/{templateversion}/external-auth'),
  e('GET', '/templateversions/{templateversion}/logs'),
  e('GET', '/templateversions/{templateversion}/presets'),
  e('GET', '/templateversions/{templateversion}/resources'),
  e('GET', '/templateversions/{templateversion}/rich-parameters'),
  e('GET', '/templateversions/{templateversion}/variables'),
  e('GET', '/users'),
  e('POST', '/users'),
  e('GET', '/users/first'),
  e('POST', '/users/first'),
  e('POST', '/users/login'),
  e('POST', '/users/logout'),
  e('GET', '/users/{user}'),
  e('DELETE', '/users/{user}'),
  e('GET', '/users/{user}/keys/tokens'),
  e('POST', '/users/{user}/keys/tokens'),
  e('DELETE', '/users/{user}/keys/{keyid}'),
  e('GET', '/users/{user}/notifications/preferences'),
  e('PUT', '/users/{user}/notifications/preferences'),
  e('GET', '/users/{user}/organizations'),
  e('PUT', '/users/{user}/roles'),
  e('GET', '/users/{user}/templateversions/{templateversion}/parameters'),
  e('GET', '/users/{user}/workspace/{workspacename}'),
  e('GET', '/users/{user}/workspace/{workspacename}/builds/{buildnumber}'),
  e('POST', '/users/{user}/workspaces'),
  e('GET', '/workspacebuilds/{workspacebuild}'),
  e('PATCH', '/workspacebuilds/{workspacebuild}/cancel'),
  e('GET', '/workspacebuilds/{workspacebuild}/logs'),
  e('GET', '/workspaceagents/{workspaceagent}'),
  e('GET', '/workspaceagents/{workspaceagent}/pty'),
  e('PATCH', '/workspaceagents/me/app-status'),
  e('GET', '/workspaces'),
  e('GET', '/workspaces/{workspace}'),
  e('PUT', '/workspaces/{workspace}/autostart'),
  e('GET', '/workspaces/{workspace}/external-agent/{agent}/credentials'),
  e('GET', '/workspaces/{workspace}/builds'),
  e('POST', '/workspaces/{workspace}/builds'),
  e('PUT', '/workspaces/{workspace}/ttl'),
  e('GET', '/workspaces/{workspace}/watch'),
  e('GET', '/workspaces/{workspace}/watch-ws'),
]

/**
 * Definitions wanted though no served endpoint's response refers to them: request bodies and frames
 * the simulator reads (the dynamic-parameters request, the agent's app-status report
 * agentsdk.PatchAppStatus and the codersdk.WorkspaceAppStatus it becomes), and the body coderd
 * writes where swagger documents another (overrides.ts).
 */
export const EXTRA_DEFINITIONS: readonly string[] = [
  'agentsdk.PatchAppStatus',
  'codersdk.AvailableExperiments',
  'codersdk.DynamicParametersRequest',
  'codersdk.Response',
  'codersdk.WorkspaceAppStatus',
]

/**
 * What a served route needs that the swagger lacks, transcribed from Coder's Go source. Used only
 * where the swagger has no such path or definition, and listed in the extract's
 * `source.supplemented` with the Go file; once the swagger documents it, the swagger wins.
 */
export interface GoSupplement {
  paths: Record<string, { method: string; responses: Record<string, Json>; from: string }>
  definitions: Record<string, { schema: Json; from: string }>
}

export const GO_SUPPLEMENT: GoSupplement = {
  paths: {
    // The older dynamic-parameters stream under the user, served by the same handler as
    // /templateversions/{templateversion}/dynamic-parameters (coderd/parameters.go); swagger has no
    // annotation for it. A WebSocket: 101, frames are codersdk.DynamicParametersResponse.
    '/users/{user}/templateversions/{templateversion}/parameters': {
      method: 'get',
      responses: { '101': null },
      from: 'coderd/parameters.go (templateVersionDynamicParameters, mounted under /users/{user})',
    },
  },
  definitions: {
    // coderd/experiments.go handleExperimentsAvailable writes codersdk.AvailableExperiments{Safe}.
    'codersdk.AvailableExperiments': {
      schema: {
        type: 'object',
        properties: { safe: { type: 'array', items: { $ref: '#/definitions/codersdk.Experiment' } } },
      },
      from: 'codersdk/deployment.go AvailableExperiments{Safe []Experiment `json:"safe"`}',
    },
  },
}

/** Formats ajv-formats knows; others (Coder uses `url`, `string`, `number` in places) are dropped. */
const KNOWN_FORMATS = new Set(['date-time', 'uuid', 'email', 'uri'])
const DROPPED_KEYS = new Set(['description', 'example', 'title'])
const DEFINITION_PREFIX = '#/definitions/'

/** Swagger 2.0 schema object → JSON Schema (draft-07): `$ref` gets no siblings, unknown formats go. */
export function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema)
  if (node === null || typeof node !== 'object') return node
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key) || key.startsWith('x-')) continue
    if (key === 'format' && (typeof value !== 'string' || !KNOWN_FORMATS.has(value))) continue
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, toJsonSchema(s)]))
      continue
    }
    out[key] = toJsonSchema(value)
  }
  // draft-07 ignores keywords beside $ref; swagger means "both", so wrap the $ref in allOf.
  if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out
    const allOf = Array.isArray(rest.allOf) ? rest.allOf : []
    return { ...rest, allOf: [{ $ref }, ...allOf] }
  }
  return out
}

function collectRefs(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, into)
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(DEFINITION_PREFIX))
        into.add(value.slice(DEFINITION_PREFIX.length))
      else collectRefs(value, into)
    }
}

/** What to extract: the served endpoints, definitions wanted besides, and what Go source fills in. */
export interface ExtractTarget {
  served: readonly ServedEndpoint[]
  extraDefinitions?: readonly string[]
  supplement?: GoSupplement
}

export const CODER_TARGET: ExtractTarget = {
  served: SERVED_ENDPOINTS,
  extraDefinitions: EXTRA_DEFINITIONS,
  supplement: GO_SUPPLEMENT,
}

export function extract(swagger: Swagger, commit: string, target: ExtractTarget = CODER_TARGET): Extract {
  if (swagger.swagger !== '2.0') throw new Error(`expected a swagger 2.0 document, got ${swagger.swagger}`)
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`commit must be 40 hex digits, got "${commit}"`)
  const basePath = swagger.basePath ?? '/api/v2'
  const endpoints: Extract['endpoints'] = {}
  const wanted = new Set<string>()
  const missing: string[] = []
  const supplemented: Record<string, string> = {}
  const { served, extraDefinitions = [], supplement = { paths: {}, definitions: {} } } = target
  for (const { method, path } of served) {
    const key = `${method.toUpperCase()} ${basePath}${path}`
    const operation = swagger.paths[path]?.[method.toLowerCase()]
    const fromGo = supplement.paths[path]
    let responses: Record<string, Json>
    if (operation)
      responses = Object.fromEntries(
        Object.entries(operation.responses ?? {}).map(([s, r]) => [s, r.schema ?? null]),
      )
    else if (fromGo?.method === method.toLowerCase()) {
      responses = fromGo.responses
      supplemented[key] = fromGo.from
    } else {
      missing.push(`${method} ${path}`)
      continue
    }
    const statuses: Record<string, Json> = {}
    for (const [status, schema] of Object.entries(responses)) {
      statuses[status] = schema === null ? null : toJsonSchema(schema)
      collectRefs(schema, wanted)
    }
    endpoints[key] = statuses
  }
  for (const name of extraDefinitions) wanted.add(name)
  if (missing.length > 0) throw new Error(`swagger lacks served endpoints: ${missing.join(', ')}`)
  const definitions: Record<string, Json> = {}
  const queue = [...wanted]
  while (queue.length > 0) {
    const name = queue.pop()!
    if (name in definitions) continue
    let definition = swagger.definitions[name]
    const fromGo = supplement.definitions[name]
    if (definition === undefined && fromGo) {
      definition = fromGo.schema
      supplemented[name] = fromGo.from
    }
    if (definition === undefined) throw new Error(`swagger lacks definition ${name}`)
    definitions[name] = toJsonSchema(definition)
    const refs = new Set<string>()
    collectRefs(definition, refs)
    queue.push(...refs)
  }
  return {
    source: {
      repository: 'github.com/coder/coder',
      path: 'coderd/apidoc/swagger.json',
      commit,
      license: swagger.info?.license?.name ?? 'AGPL-3.0',
      generator: 'scripts/extract-coder-swagger.ts',
      ...(Object.keys(supplemented).length > 0 && {
        supplemented: Object.fromEntries(Object.entries(supplemented).sort(([a], [b]) => a.localeCompare(b))),
      }),
    },
    endpoints: Object.fromEntries(Object.entries(endpoints).sort(([a], [b]) => a.localeCompare(b))),
    definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b))),
  }
}

async function load(source: string): Promise<Swagger> {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source)
    if (!res.ok) throw new Error(`GET ${source}: ${res.status}`)
    return (await res.json()) as Swagger
  }
  return JSON.parse(await readFile(source, 'utf8')) as Swagger
}

async function main(argv: string[]): Promise<void> {
  const outIndex = argv.indexOf('--out')
  const out =
    outIndex >= 0
      ? argv[outIndex + 1]
      : fileURLToPath(
          new URL('../packages/mocks/src/coderd/conformance/coder-swagger.extract.json', import.meta.url),
        )
  const [source, commit] = outIndex >= 0 ? argv.filter((_, i) => i !== outIndex && i !== outIndex + 1) : argv
  if (!source || !commit || !out) {
    console.error(
      'usage: node scripts/extract-coder-swagger.ts <swagger.json path or URL> <coder commit> [--out file]',
    )
    process.exitCode = 2
    return
  }
  const result = extract(await load(source), commit)
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(
    `${Object.keys(result.endpoints).length} endpoints, ${Object.keys(result.definitions).length} definitions → ${out}`,
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2))
