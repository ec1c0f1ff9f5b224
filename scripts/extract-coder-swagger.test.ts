import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  EXTRA_DEFINITIONS,
  extract,
  GO_SUPPLEMENT,
  SERVED_ENDPOINTS,
  type Swagger,
  toJsonSchema,
} from './extract-coder-swagger.ts'

const COMMIT = '0123456789abcdef0123456789abcdef01234567'

// A two-endpoint swagger in Coder's shape: a $ref with siblings, an unknown format, x-* keys,
// a transitive $ref and an unreferenced definition that must not be extracted.
const fixture: Swagger = {
  swagger: '2.0',
  basePath: '/api/v2',
  info: { license: { name: 'AGPL-3.0' } },
  paths: {
    '/things/{thing}': {
      get: {
        responses: { '200': { schema: { $ref: '#/definitions/sdk.Thing' } }, '304': {} },
      },
    },
    '/things': {
      get: {
        responses: { '200': { schema: { type: 'array', items: { $ref: '#/definitions/sdk.Thing' } } } },
      },
    },
    '/unserved': { get: { responses: { '200': { schema: { $ref: '#/definitions/sdk.Unused' } } } } },
  },
  definitions: {
    'sdk.Thing': {
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string', format: 'uuid', description: 'dropped' },
        org_name: { type: 'string', format: 'url' },
        owner: { $ref: '#/definitions/sdk.Owner' },
        warnings: { type: 'array', items: { enum: ['A'], $ref: '#/definitions/sdk.Warning' } },
      },
      'x-go-name': 'Thing',
    },
    'sdk.Owner': { type: 'object', properties: { name: { type: 'string', example: 'bob' } } },
    'sdk.Warning': { type: 'string', enum: ['A', 'B'], 'x-enum-varnames': ['WarnA', 'WarnB'] },
    'sdk.Unused': { type: 'object' },
  },
}

const served = [
  { method: 'GET', path: '/things/{thing}' },
  { method: 'GET', path: '/things' },
]

describe('extract-coder-swagger', () => {
  it('keeps the served endpoints with every status and the transitive definitions, nothing else', () => {
    const result = extract(fixture, COMMIT, { served })
    expect(Object.keys(result.endpoints)).toEqual(['GET /api/v2/things', 'GET /api/v2/things/{thing}'])
    expect(result.endpoints['GET /api/v2/things/{thing}']).toEqual({
      '200': { $ref: '#/definitions/sdk.Thing' },
      '304': null,
    })
    expect(Object.keys(result.definitions)).toEqual(['sdk.Owner', 'sdk.Thing', 'sdk.Warning'])
    expect(result.source).toMatchObject({
      commit: COMMIT,
      license: 'AGPL-3.0',
      repository: 'github.com/coder/coder',
    })
  })

  it('converts to JSON Schema: no descriptions, examples, x-* keys or unknown formats; $ref siblings under allOf', () => {
    const thing = extract(fixture, COMMIT, { served }).definitions['sdk.Thing']
    expect(thing).toEqual({
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        org_name: { type: 'string' },
        owner: { $ref: '#/definitions/sdk.Owner' },
        warnings: { type: 'array', items: { enum: ['A'], allOf: [{ $ref: '#/definitions/sdk.Warning' }] } },
      },
    })
    expect(toJsonSchema({ type: 'string', enum: ['A'], 'x-enum-varnames': ['X'] })).toEqual({
      type: 'string',
      enum: ['A'],
    })
  })

  it('fails loudly on a served endpoint or a $ref the swagger lacks, and on a bad commit', () => {
    expect(() => extract(fixture, COMMIT, { served: [{ method: 'POST', path: '/things' }] })).toThrow(
      'swagger lacks served endpoints: POST /things',
    )
    const broken: Swagger = { ...fixture, definitions: { 'sdk.Thing': { $ref: '#/definitions/sdk.Gone' } } }
    expect(() => extract(broken, COMMIT, { served })).toThrow('swagger lacks definition sdk.Gone')
    expect(() => extract(fixture, 'main', { served })).toThrow('40 hex digits')
  })

  it('fills what the swagger lacks from the Go supplement, records it, and lets the swagger win', () => {
    const supplement = {
      paths: {
        '/things/{thing}/stream': { method: 'get', responses: { '101': null }, from: 'coderd/things.go' },
      },
      definitions: {
        'sdk.Frame': {
          schema: { type: 'object', properties: { id: { type: 'integer' } } },
          from: 'sdk/frame.go',
        },
        'sdk.Owner': { schema: { type: 'string' }, from: 'never used: the swagger has it' },
      },
    }
    const result = extract(fixture, COMMIT, {
      served: [...served, { method: 'GET', path: '/things/{thing}/stream' }],
      extraDefinitions: ['sdk.Frame', 'sdk.Owner'],
      supplement,
    })
    expect(result.endpoints['GET /api/v2/things/{thing}/stream']).toEqual({ '101': null })
    expect(result.definitions['sdk.Frame']).toEqual({
      type: 'object',
      properties: { id: { type: 'integer' } },
    })
    expect(result.definitions['sdk.Owner']).toEqual({
      type: 'object',
      properties: { name: { type: 'string' } },
    })
    expect(result.source.supplemented).toEqual({
      'GET /api/v2/things/{thing}/stream': 'coderd/things.go',
      'sdk.Frame': 'sdk/frame.go',
    })
    expect(extract(fixture, COMMIT, { served }).source.supplemented).toBeUndefined()
  })

  describe('as a command', () => {
    let dir: string
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'extract-swagger-'))
    })
    afterAll(() => rm(dir, { recursive: true, force: true }))

    it('reads a swagger file and writes the extract where --out says', async () => {
      const input = join(dir, 'swagger.json')
      const out = join(dir, 'extract.json')
      // The full served list must exist in the input: give every served path a 200 with no body.
      const paths: Swagger['paths'] = {}
      for (const { method, path } of SERVED_ENDPOINTS)
        paths[path] = { ...paths[path], [method.toLowerCase()]: { responses: { '200': {} } } }
      // And the extra definitions the swagger has (the Go supplement brings the rest).
      const extras = EXTRA_DEFINITIONS.filter((name) => !GO_SUPPLEMENT.definitions[name])
      const definitions = Object.fromEntries(
        [...extras, 'codersdk.Experiment'].map((name) => [name, { type: 'object' }]),
      )
      await writeFile(input, JSON.stringify({ ...fixture, paths, definitions }))
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['scripts/extract-coder-swagger.ts', input, COMMIT, '--out', out],
        { cwd: join(import.meta.dirname, '..') },
      )
      expect(stdout).toContain(`${SERVED_ENDPOINTS.length} endpoints, ${extras.length + 2} definitions`)
      const written = JSON.parse(await readFile(out, 'utf8'))
      expect(Object.keys(written.endpoints)).toHaveLength(SERVED_ENDPOINTS.length)
      expect(written.source.commit).toBe(COMMIT)
      expect(Object.keys(written.source.supplemented)).toEqual(['codersdk.AvailableExperiments'])
    })
  })
})
