// Reads the regular files of a POSIX (ustar) tar, as the provisioner unpacks an uploaded template.
// Anything that is not a tar (a zip, garbage) yields no files: the caller falls back.

const BLOCK = 512

export interface UntarredFile {
  name: string
  data: Buffer
}

export function untar(archive: Buffer): UntarredFile[] {
  const files: UntarredFile[] = []
  let offset = 0
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK)
    if (header.every((b) => b === 0)) break
    if (!validChecksum(header)) return files
    const name = field(header, 0, 100)
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8)
    if (!Number.isFinite(size) || size < 0) return files
    const prefix = field(header, 345, 155)
    const type = header[156]
    const start = offset + BLOCK
    if ((type === 0x30 || type === 0) && start + size <= archive.length)
      files.push({ name: prefix ? `${prefix}/${name}` : name, data: archive.subarray(start, start + size) })
    offset = start + Math.ceil(size / BLOCK) * BLOCK
  }
  return files
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8')
}

function validChecksum(header: Buffer): boolean {
  const stored = Number.parseInt(field(header, 148, 8).trim(), 8)
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!
  return stored === sum
}
