// The simulator README's coverage table, generated from the swagger extract and the overrides.
//   node packages/mocks/src/coderd/conformance/coverage-table.ts --write   rewrites the README section

import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { STATUS_OVERRIDES } from './overrides.ts'
import { type CoderExtract, loadExtract } from './validator.ts'

export const README_PATH = new URL('../README.md', import.meta.url)
export const BEGIN = '<!-- coverage:begin (generated from conformance/coder-swagger.extract.json) -->'
export const END = '<!-- coverage:end -->'

function describe(schema: unknown): string {
  if (schema === null || schema === undefined) return '—'
  const s = schema as { $ref?: string; type?: string; items?: { $ref?: string } }
  if (s.$ref) return s.$ref.replace('#/definitions/', '')
  if (s.type === 'array' && s.items?.$ref) return `${s.items.$ref.replace('#/definitions/', '')}[]`
  return s.type ?? 'JSON'
}

export function coverageTable(extract: CoderExtract = loadExtract()): string {
  const rows = Object.entries(extract.endpoints).map(([endpoint, statuses]) => {
    const overrides = STATUS_OVERRIDES[endpoint] ?? {}
    const documented = Object.entries(statuses).map(([status, schema]) => `${status} ${describe(schema)}`)
    // Not in the swagger: transcribed from coderd's Go source (the extract names the file).
    const swagger = extract.source.supplemented?.[endpoint]
      ? documented.map((d) => `${d} (Go source)`)
      : documented
    const coderd = Object.entries(overrides).map(([status, schema]) => `${status} ${describe(schema)}`)
    return [`\`${endpoint}\``, swagger.join(', '), coderd.join(', ') || '—']
  })
  return alignTable([
    ['Endpoint', 'Swagger status and body', 'coderd overrides (conformance/overrides.ts)'],
    ...rows,
  ])
}

/** A Markdown table padded the way Biome formats one, so the generated README passes `biome check`. */
function alignTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(3, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n')
}

/** The table currently in the README, or undefined when the markers are missing. */
export function readmeTable(readme = readFileSync(README_PATH, 'utf8')): string | undefined {
  const start = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) return undefined
  return readme.slice(start + BEGIN.length, end).trim()
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  const readme = readFileSync(README_PATH, 'utf8')
  const start = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`README lacks ${BEGIN} … ${END}`)
  writeFileSync(
    README_PATH,
    `${readme.slice(0, start + BEGIN.length)}\n\n${coverageTable()}\n\n${readme.slice(end)}`,
  )
  console.log('coverage table written')
}
