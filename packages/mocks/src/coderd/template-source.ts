// The files of an uploaded template (the tar a version was created from), read the way a
// provisioner sees them: what presets and dynamic parameters are derived from.

import type { FileRecord } from './records.ts'

const BLOCK = 512

/** Regular files of a ustar archive by path; a zip, or anything that is not a tar, gives none. */
export function readTarFiles(data: Buffer): Map<string, string> {
  const files = new Map<string, string>()
  let offset = 0
  while (offset + BLOCK <= data.length) {
    const header = data.subarray(offset, offset + BLOCK)
    if (header.every((b) => b === 0)) break
    const name = field(header, 0, 100)
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8)
    const type = String.fromCharCode(header[156] ?? 0x30)
    const prefix = field(header, 345, 155)
    if (!Number.isFinite(size) || size < 0) break
    const start = offset + BLOCK
    if ((type === '0' || type === '\0') && start + size <= data.length) {
      const path = (prefix ? `${prefix}/${name}` : name).replace(/^\.\//, '')
      files.set(path, data.subarray(start, start + size).toString('utf8'))
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK
  }
  return files
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end < 0 ? length : end).toString('utf8')
}

const cache = new WeakMap<FileRecord, Map<string, string>>()

/** A file's template sources, parsed once per upload. */
export function templateFiles(file: FileRecord | undefined): Map<string, string> {
  if (!file) return new Map()
  let files = cache.get(file)
  if (!files) {
    files = file.contentType === 'application/x-tar' ? readTarFiles(file.data) : new Map()
    cache.set(file, files)
  }
  return files
}

/** The bodies of `data "<type>" "<name>" { … }` blocks in HCL text, braces balanced, strings skipped. */
export function dataBlocks(hcl: string, type: string): { name: string; body: string }[] {
  const out: { name: string; body: string }[] = []
  const head = new RegExp(`data\\s+"${type}"\\s+"([^"]+)"\\s*\\{`, 'g')
  for (const match of hcl.matchAll(head)) {
    const start = match.index + match[0].length
    const end = closingBrace(hcl, start)
    if (end > 0) out.push({ name: match[1]!, body: hcl.slice(start, end) })
  }
  return out
}

/** Index of the `}` closing a block whose body starts at `start`, or -1. */
export function closingBrace(text: string, start: number): number {
  let depth = 1
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '#') i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i)
    else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return i
  }
  return -1
}
