export interface TarEntry {
  /** Path inside the archive, `/`-separated, e.g. `main.tf` or `modules/a/main.tf`. */
  name: string
  content: string | Uint8Array
  /** File mode; default 0o644. */
  mode?: number
  /** Modification time; default the Unix epoch, so the same files give the same bytes (and file hash). */
  mtime?: Date
}

const BLOCK = 512
const encoder = new TextEncoder()

/**
 * Writes a POSIX ustar archive of regular files, enough for `POST /files` with
 * `Content-Type: application/x-tar`. Names longer than 100 bytes are split into prefix/name.
 */
export function createTar(entries: TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = []
  for (const entry of entries) {
    const content = typeof entry.content === 'string' ? encoder.encode(entry.content) : entry.content
    parts.push(header(entry, content.length), content)
    const pad = (BLOCK - (content.length % BLOCK)) % BLOCK
    if (pad > 0) parts.push(new Uint8Array(pad))
  }
  parts.push(new Uint8Array(BLOCK * 2))
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function header(entry: TarEntry, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK)
  const [prefix, name] = splitName(entry.name)
  writeString(block, 0, 100, name)
  writeOctal(block, 100, 8, entry.mode ?? 0o644)
  writeOctal(block, 108, 8, 0) // uid
  writeOctal(block, 116, 8, 0) // gid
  writeOctal(block, 124, 12, size)
  writeOctal(block, 136, 12, Math.floor((entry.mtime?.getTime() ?? 0) / 1000))
  block.fill(0x20, 148, 156) // checksum is computed with its own field as spaces
  block[156] = 0x30 // '0' regular file
  writeString(block, 257, 6, 'ustar')
  writeString(block, 263, 2, '00')
  writeString(block, 345, 155, prefix)
  const sum = block.reduce((n, b) => n + b, 0)
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
  return block
}

function splitName(path: string): [string, string] {
  if (path === '' || path.startsWith('/') || path.split('/').includes('..')) {
    throw new TypeError(`tar entry name '${path}' must be a relative path without '..'`)
  }
  if (encoder.encode(path).length <= 100) return ['', path]
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i)
    const name = path.slice(i + 1)
    if (encoder.encode(name).length <= 100 && encoder.encode(prefix).length <= 155) return [prefix, name]
  }
  throw new TypeError(`tar entry name '${path}' is too long for ustar (name ≤ 100 bytes, prefix ≤ 155)`)
}

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value)
  block.set(bytes.subarray(0, length), offset)
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  if (value >= 8 ** (length - 1))
    throw new RangeError(`tar field value ${value} does not fit in ${length} bytes`)
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`)
}
