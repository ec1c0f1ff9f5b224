// Presets a Terraform import finds in main.tf: `data "coder_workspace_preset"` blocks with an
// optional `count`, a `name` (which may use `${count.index}`), `parameters = { … }` and
// `prebuilds { instances = N }`. That is what Coder's scaletest/prebuilds/tf/main.tf.tpl declares.

import { randomUUID } from 'node:crypto'

import { closingBrace, dataBlocks } from '../template-source.ts'

export interface PresetRecord {
  id: string
  name: string
  parameters: { name: string; value: string }[]
  isDefault: boolean
  desiredInstances: number | null
  description: string
  icon: string
}

/** Every preset the `.tf` files declare, `count` expanded. Ids are new: call once per import. */
export function parsePresets(files: Map<string, string>): PresetRecord[] {
  const presets: PresetRecord[] = []
  for (const [path, text] of files) {
    if (!path.endsWith('.tf') || path.includes('/')) continue
    for (const block of dataBlocks(text, 'coder_workspace_preset')) {
      const count = attribute(block.body, 'count')
      const n = count === undefined ? 1 : Number(count)
      if (!Number.isInteger(n) || n < 0) continue
      for (let index = 0; index < n; index++) {
        const name = stringValue(attribute(block.body, 'name'), index) ?? block.name
        const instances = prebuildInstances(block.body)
        presets.push({
          id: randomUUID(),
          name,
          parameters: parameterMap(block.body, index),
          isDefault: attribute(block.body, 'default') === 'true',
          desiredInstances: instances,
          description: stringValue(attribute(block.body, 'description'), index) ?? '',
          icon: stringValue(attribute(block.body, 'icon'), index) ?? '',
        })
      }
    }
  }
  return presets
}

/** `codersdk.Preset` (PascalCase JSON keys, as Coder sends them). */
export function presetJson(preset: PresetRecord) {
  return {
    ID: preset.id,
    Name: preset.name,
    Parameters: preset.parameters.map((p) => ({ Name: p.name, Value: p.value })),
    Default: preset.isDefault,
    DesiredPrebuildInstances: preset.desiredInstances,
    Description: preset.description,
    Icon: preset.icon,
  }
}

/** A top-level `key = value` line of a block body (nested blocks are skipped). */
function attribute(body: string, key: string): string | undefined {
  let depth = 0
  for (const line of body.split('\n')) {
    const trimmed = line.trim()
    if (depth === 0) {
      const match = new RegExp(`^${key}\\s*=\\s*(.+?)\\s*$`).exec(trimmed)
      if (match) return match[1]
    }
    depth += (trimmed.match(/\{/g)?.length ?? 0) - (trimmed.match(/\}/g)?.length ?? 0)
    // Interpolations `${…}` open and close on one line, so they cancel out.
  }
  return undefined
}

/** A quoted HCL string with `${count.index}` and `${count.index + K}` evaluated. */
function stringValue(raw: string | undefined, index: number): string | undefined {
  if (raw === undefined || !raw.startsWith('"') || !raw.endsWith('"')) return undefined
  return raw
    .slice(1, -1)
    .replace(/\$\{\s*count\.index\s*(?:\+\s*(\d+))?\s*\}/g, (_, k: string | undefined) =>
      String(index + Number(k ?? 0)),
    )
    .replace(/\\"/g, '"')
}

function prebuildInstances(body: string): number | null {
  const match = /(^|\n)\s*prebuilds\s*\{/.exec(body)
  if (!match) return null
  const start = match.index + match[0].length
  const end = closingBrace(body, start)
  const instances = attribute(body.slice(start, end < 0 ? body.length : end), 'instances')
  const n = Number(instances)
  return instances !== undefined && Number.isInteger(n) && n >= 0 ? n : null
}

function parameterMap(body: string, index: number): { name: string; value: string }[] {
  const match = /(^|\n)\s*parameters\s*=\s*\{/.exec(body)
  if (!match) return []
  const start = match.index + match[0].length
  const end = closingBrace(body, start)
  const out: { name: string; value: string }[] = []
  for (const pair of body.slice(start, end < 0 ? body.length : end).matchAll(/"?([\w-]+)"?\s*=\s*("[^"]*")/g))
    out.push({ name: pair[1]!, value: stringValue(pair[2], index) ?? '' })
  return out
}
