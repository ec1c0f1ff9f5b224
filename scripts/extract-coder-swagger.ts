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
  source: { repository: string; path: string; commit: string; license: string; generator: string }
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
const e = (method: string, path: string): ServedEndpoint => ({ method, path })

export const SERVED_ENDPOINTS: readonly ServedEndpoint[] = [
  e('GET', '/buildinfo'),
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
  e('GET', '/templates'),
  e('GET', '/templates/{template}'),
  e('PATCH', '/templates/{template}'),
  e('DELETE', '/templates/{template}'),
  e('GET', '/templates/{template}/versions'),
  e('PATCH', '/templates/{template}/versions'),
  e('GET', '/templateversions/{templateversion}'),
  e('PATCH', '/templateversions/{templateversion}/cancel'),
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
  e('GET', '/users/{user}/workspace/{workspacename}'),
  e('GET', '/users/{user}/workspace/{workspacename}/builds/{buildnumber}'),
  e('POST', '/users/{user}/workspaces'),
  e('GET', '/workspacebuilds/{workspacebuild}'),
  e('PATCH', '/workspacebuilds/{workspacebuild}/cancel'),
  e('GET', '/workspacebuilds/{workspacebuild}/logs'),
  e('GET', '/workspaces'),
  e('GET', '/workspaces/{workspace}'),
  e('PUT', '/workspaces/{workspace}/autostart'),
  e('GET', '/workspaces/{workspace}/builds'),
  e('POST', '/workspaces/{workspace}/builds'),
  e('PUT', '/workspaces/{workspace}/ttl'),
  e('GET', '/workspaces/{workspace}/watch'),
  e('GET', '/workspaces/{workspace}/watch-ws'),
]

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

export function extract(
  swagger: Swagger,
  commit: string,
  served: readonly ServedEndpoint[] = SERVED_ENDPOINTS,
): Extract {
  if (swagger.swagger !== '2.0') throw new Error(`expected a swagger 2.0 document, got ${swagger.swagger}`)
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`commit must be 40 hex digits, got "${commit}"`)
  const basePath = swagger.basePath ?? '/api/v2'
  const endpoints: Extract['endpoints'] = {}
  const wanted = new Set<string>()
  const missing: string[] = []
  for (const { method, path } of served) {
    const operation = swagger.paths[path]?.[method.toLowerCase()]
    if (!operation) {
      missing.push(`${method} ${path}`)
      continue
    }
    const statuses: Record<string, Json> = {}
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      statuses[status] = response.schema === undefined ? null : toJsonSchema(response.schema)
      collectRefs(response.schema ?? null, wanted)
    }
    endpoints[`${method.toUpperCase()} ${basePath}${path}`] = statuses
  }
  if (missing.length > 0) throw new Error(`swagger lacks served endpoints: ${missing.join(', ')}`)
  const definitions: Record<string, Json> = {}
  const queue = [...wanted]
  while (queue.length > 0) {
    const name = queue.pop()!
    if (name in definitions) continue
    const definition = swagger.definitions[name]
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
