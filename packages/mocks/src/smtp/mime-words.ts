import { TextDecoder } from 'node:util'

// RFC 2047 encoded words (`=?UTF-8?Q?Template_=22x=22?=`) as they appear in Subject headers.
const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g

/** Decodes every encoded word in a header value; adjacent words (only whitespace between) join up. */
export function decodeMimeWords(value: string): string {
  if (!value.includes('=?')) return value
  let out = ''
  let last = 0
  // Bytes of consecutive encoded words in one charset are decoded together, so a multi-byte
  // character split across two words survives.
  let pending: Buffer[] = []
  let pendingCharset = ''
  const flush = () => {
    if (pending.length === 0) return
    out += decodeCharset(Buffer.concat(pending), pendingCharset)
    pending = []
  }
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index)
    const charset = (match[1] ?? '').split('*')[0]?.toLowerCase() ?? ''
    const adjacent = last > 0 && pending.length > 0 && /^[ \t\r\n]*$/.test(between)
    if (!adjacent || charset !== pendingCharset) {
      flush()
      out += between
    }
    pendingCharset = charset
    pending.push(decodeWord(match[2] ?? 'Q', match[3] ?? ''))
    last = match.index + match[0].length
  }
  flush()
  return out + value.slice(last)
}

function decodeWord(encoding: string, text: string): Buffer {
  if (encoding === 'B' || encoding === 'b') return Buffer.from(text, 'base64')
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x5f)
      bytes.push(0x20) // '_' is a space in the Q encoding
    else if (c === 0x3d && i + 2 < text.length && isHex(text, i + 1)) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(c & 0xff)
  }
  return Buffer.from(bytes)
}

function isHex(text: string, at: number): boolean {
  return /^[0-9A-Fa-f]{2}$/.test(text.slice(at, at + 2))
}

const decoders = new Map<string, TextDecoder | null>()

/** Decodes bytes in a MIME charset; unknown charsets fall back to UTF-8 rather than failing. */
export function decodeCharset(bytes: Buffer, charset: string): string {
  switch (charset) {
    case 'utf-8':
    case 'utf8':
    case 'us-ascii':
    case 'ascii':
    case '':
      return bytes.toString('utf8')
    case 'iso-8859-1':
    case 'latin1':
      return bytes.toString('latin1')
  }
  let decoder = decoders.get(charset)
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(charset)
    } catch {
      decoder = null
    }
    decoders.set(charset, decoder)
  }
  return decoder ? decoder.decode(bytes) : bytes.toString('utf8')
}
