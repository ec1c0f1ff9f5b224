// Generates bodies that are valid for a schema of the (patched) extract, at the two edges a client
// must handle: `full` sends every property with a value, `minimal` sends only the required ones and
// `null` wherever null is allowed. The client test parses both through the client's zod schemas.

type Schema = Record<string, unknown>
export type Edge = 'full' | 'minimal'

const FORMATS: Record<string, string> = {
  'date-time': '2026-01-02T03:04:05.678Z',
  uuid: '0b2ad5e0-7a4f-4d27-9d3b-6a1f0c2e9b11',
  email: 'sample@example.com',
  uri: 'https://example.com/avatar.png',
}

export function sampleOf(schema: Schema, definitions: Record<string, Schema>, edge: Edge): unknown {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^(coder)?#\/definitions\//, '')
    const target = definitions[name]
    if (!target) throw new Error(`no definition ${name}`)
    return sampleOf(target, definitions, edge)
  }
  if (Array.isArray(schema.enum)) return edge === 'full' ? schema.enum[0] : schema.enum.at(-1)
  if (Array.isArray(schema.anyOf)) {
    const options = schema.anyOf as Schema[]
    const nullable = options.some((o) => o.type === 'null')
    if (nullable && edge === 'minimal') return null
    return sampleOf(options.find((o) => o.type !== 'null')!, definitions, edge)
  }
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema
    return sampleOf({ ...rest, ...(allOf as Schema[])[0] }, definitions, edge)
  }
  switch (schema.type) {
    case 'string':
      return FORMATS[schema.format as string] ?? 'sample'
    case 'integer':
      return 7
    case 'number':
      return 1.5
    case 'boolean':
      return true
    case 'array':
      return edge === 'full' ? [sampleOf((schema.items as Schema) ?? {}, definitions, edge)] : []
    case 'object':
    case undefined: {
      const properties = schema.properties as Record<string, Schema> | undefined
      if (!properties) {
        if (schema.type === undefined) return edge === 'full' ? 'sample' : null
        const additional = schema.additionalProperties
        return edge === 'full' && additional && typeof additional === 'object'
          ? { key: sampleOf(additional as Schema, definitions, edge) }
          : {}
      }
      // Without a required list (definitions codersdk-derived requirements do not cover) every
      // property is sent: absence is not something the extract says Coder does.
      const required = schema.required as string[] | undefined
      const keep = edge === 'full' || !required ? Object.keys(properties) : required
      return Object.fromEntries(keep.map((name) => [name, sampleOf(properties[name]!, definitions, edge)]))
    }
    default:
      throw new Error(`no sample for schema type ${String(schema.type)}`)
  }
}
