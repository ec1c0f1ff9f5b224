// Compiles the swagger extract plus the overrides into ajv validators, one per endpoint and status.

import { readFileSync } from 'node:fs'

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

import {
  NON_JSON_BODIES,
  NULLABLE,
  OMITEMPTY,
  PROPERTY_OVERRIDES,
  REPLACED_DEFINITIONS,
  STATUS_OVERRIDES,
} from './overrides.ts'

type Schema = Record<string, unknown>

export interface CoderExtract {
  source: {
    repository: string
    path: string
    commit: string
    license: string
    generator: string
    /** Endpoints and definitions the swagger lacks, transcribed from the Go file named. */
    supplemented?: Record<string, string>
  }
  endpoints: Record<string, Record<string, Schema | null>>
  definitions: Record<string, Schema>
}

export const EXTRACT_PATH = new URL('./coder-swagger.extract.json', import.meta.url)

export function loadExtract(): CoderExtract {
  return JSON.parse(readFileSync(EXTRACT_PATH, 'utf8')) as CoderExtract
}

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is the function.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv

/** The definitions with the overrides applied: required fields, nulls, stale enums. */
export function patchedDefinitions(extract: CoderExtract): Record<string, Schema> {
  const definitions = structuredClone(extract.definitions)
  for (const [name, schema] of Object.entries(REPLACED_DEFINITIONS)) definitions[name] = schema
  for (const [name, overrides] of Object.entries(PROPERTY_OVERRIDES)) {
    const props = properties(definitions, name)
    for (const [field, schema] of Object.entries(overrides)) props[field] = schema
  }
  for (const [name, fields] of Object.entries(NULLABLE)) {
    const props = properties(definitions, name)
    for (const field of fields) {
      if (!props[field]) throw new Error(`NULLABLE: ${name} has no property ${field}`)
      props[field] = { anyOf: [props[field], { type: 'null' }] }
    }
  }
  for (const [name, optional] of Object.entries(OMITEMPTY)) {
    const props = properties(definitions, name)
    for (const field of optional) {
      if (!props[field]) throw new Error(`OMITEMPTY: ${name} has no property ${field}`)
      // Go's omitempty drops "" and nil: when such a field is sent at all, it is neither.
      props[field] = { allOf: [props[field], { not: { enum: ['', null] } }] }
    }
    const required = new Set((definitions[name]!.required as string[] | undefined) ?? [])
    for (const field of Object.keys(props)) if (!optional.includes(field)) required.add(field)
    definitions[name]!.required = [...required].sort()
  }
  return definitions
}

function properties(definitions: Record<string, Schema>, name: string): Record<string, Schema> {
  const props = definitions[name]?.properties as Record<string, Schema> | undefined
  if (!props) throw new Error(`override names ${name}, which the extract lacks or which has no properties`)
  return props
}

export interface BodyCheck {
  /** `false` when coderd documents no such status for the endpoint. */
  statusKnown: boolean
  errors: string[]
}

export class ConformanceValidator {
  readonly extract: CoderExtract
  readonly endpoints: string[]
  #ajv: Ajv
  #byKey = new Map<string, ValidateFunction | null>()
  #statuses = new Map<string, Record<string, Schema | null>>()

  constructor(extract: CoderExtract = loadExtract()) {
    this.extract = extract
    this.endpoints = Object.keys(extract.endpoints)
    // strictTypes off: swagger puts `format` beside an `allOf` without a `type` (NullUUID fields).
    this.#ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true })
    addFormats(this.#ajv)
    this.#ajv.addSchema({ $id: 'coder', definitions: patchedDefinitions(extract) })
    for (const [key, statuses] of Object.entries(extract.endpoints))
      this.#statuses.set(key, { ...statuses, ...STATUS_OVERRIDES[key] })
    for (const key of Object.keys(STATUS_OVERRIDES))
      if (!extract.endpoints[key]) throw new Error(`STATUS_OVERRIDES names ${key}, which the extract lacks`)
  }

  /** Body schema for an endpoint, status 2xx/3xx (with the overrides), or undefined if undocumented. */
  schemaFor(endpoint: string, status: number): Schema | null | undefined {
    return this.#statuses.get(endpoint)?.[String(status)]
  }

  /** A definition by name, for checking frames and events that swagger does not describe per message. */
  check(endpoint: string, status: number, body: unknown): BodyCheck {
    const statuses = this.#statuses.get(endpoint)
    if (!statuses) throw new Error(`unknown endpoint ${endpoint}`)
    if (!(String(status) in statuses)) return { statusKnown: false, errors: [] }
    if (NON_JSON_BODIES.has(endpoint)) return { statusKnown: true, errors: [] }
    const cacheKey = `${endpoint} ${status}`
    let validate = this.#byKey.get(cacheKey)
    if (validate === undefined) {
      const schema = statuses[String(status)]!
      validate = schema === null ? null : this.#ajv.compile(rebase(schema))
      this.#byKey.set(cacheKey, validate)
    }
    if (validate === null)
      return { statusKnown: true, errors: body === undefined ? [] : ['expected no body'] }
    return { statusKnown: true, errors: validate(body) ? [] : formatErrors(validate.errors) }
  }

  /** Validates a value against one definition (WebSocket frames, SSE payloads). */
  checkDefinition(name: string, value: unknown): string[] {
    const validate = this.#ajv.getSchema(`coder#/definitions/${name}`)
    if (!validate) throw new Error(`unknown definition ${name}`)
    return validate(value) ? [] : formatErrors(validate.errors)
  }
}

/** Points `#/definitions/…` refs of an endpoint schema at the shared `coder` document. */
function rebase(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"coder#/definitions/')) as Schema
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
}
