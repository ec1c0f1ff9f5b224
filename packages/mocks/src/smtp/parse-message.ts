import { isAscii } from 'node:buffer'

import { decodeMimeWords } from './mime-words.ts'

/** What the HTTP API reports about one captured message. */
export interface ParsedMessage {
  /** Subject with RFC 2047 encoded words decoded; '' when absent. */
  subject: string
  /** The Date header, or undefined when absent or unparsable. */
  date: Date | undefined
  /** Message-Id without angle brackets; '' when absent. */
  messageId: string
  /** Lower-case template UUID from the `…/settings/notifications?disabled=<uuid>` link, if any. */
  templateId: string | undefined
}

const UUID = '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'
const TEMPLATE_LINK = new RegExp(`notifications\\?disabled=${UUID}`)
// The same link inside a quoted-printable part, where '=' is written '=3D'.
const TEMPLATE_LINK_QP = new RegExp(`notifications\\?disabled=3[Dd]${UUID}`)
const SOFT_BREAK = /=\r?\n/g
const ESCAPED_QUESTION = /=3[Ff]/
const MAX_DEPTH = 4

/**
 * A lean parser for exactly what the API serves: a handful of headers and the template id.
 * Only the header block becomes a string. In a text or multipart/alternative message the link
 * is first looked for with native byte searches for its words, unwrapping quoted-printable soft
 * breaks in a small window around each hit; a message where that fails (no link, base64 parts,
 * escaped characters, attachments) is walked part by part on a latin1 copy.
 * Malformed input never throws; missing fields stay empty.
 */
export function parseMessage(raw: Buffer): ParsedMessage {
  const { headerEnd, bodyStart } = findBodyInBytes(raw)
  // Header values may be raw UTF-8 (SMTPUTF8): decode as UTF-8 only then, latin1 is cheaper.
  const headerBytes = raw.subarray(0, headerEnd)
  const headers = readHeaders(headerBytes.toString(isAscii(headerBytes) ? 'latin1' : 'utf8'))
  const dateMs = parseDate(headers.get('date'))
  // Every part of a multipart/alternative is a rendering of the text, so a hit anywhere counts;
  // other multiparts may carry attachments and are walked part by part.
  const contentType = headers.get('content-type')?.toLowerCase() ?? 'text/plain'
  const wholeBodyIsText = contentType.startsWith('text/') || contentType.startsWith('multipart/alternative')
  const templateId =
    (wholeBodyIsText ? findLinkNearAnchors(raw, bodyStart) : undefined) ??
    findTemplateId(raw.toString('latin1'), bodyStart, raw.length, headers, 0)
  return {
    subject: decodeMimeWords(headers.get('subject') ?? ''),
    date: Number.isNaN(dateMs) ? undefined : new Date(dateMs),
    messageId: (headers.get('message-id') ?? '').replace(/^<|>$/g, ''),
    templateId: templateId?.toLowerCase(),
  }
}

// A burst of notifications shares a handful of Date values: remember the last one parsed.
let lastDateHeader = ''
let lastDateMs = Number.NaN

function parseDate(header: string | undefined): number {
  if (!header) return Number.NaN
  if (header !== lastDateHeader) {
    lastDateHeader = header
    lastDateMs = Date.parse(header)
  }
  return lastDateMs
}

const ANCHORS = [Buffer.from('notifications'), Buffer.from('disabled')]
// In a quoted-printable part '=' is written '=3D'; in a 7bit or 8bit part it is literal.
const TEMPLATE_LINK_ANY = new RegExp(`notifications\\?disabled=(?:3[Dd])?${UUID}`)

/**
 * Looks for the link in windows around each `notifications` and `disabled` in the body bytes.
 * A soft line break (one per 76 columns) can split at most one of the two words.
 */
function findLinkNearAnchors(raw: Buffer, bodyStart: number): string | undefined {
  for (const anchor of ANCHORS) {
    // From the end: the link sits in the footer.
    for (
      let at = raw.lastIndexOf(anchor);
      at >= bodyStart;
      at = at > 0 ? raw.lastIndexOf(anchor, at - 1) : -1
    ) {
      const window = raw.toString('latin1', Math.max(bodyStart, at - 24), Math.min(raw.length, at + 88))
      const match = TEMPLATE_LINK_ANY.exec(window.replace(SOFT_BREAK, ''))
      if (match) return match[1]
    }
  }
  return undefined
}

const CRLF2 = Buffer.from('\r\n\r\n')
const LF2 = Buffer.from('\n\n')

/** Finds the blank line after the top-level headers, for CRLF or bare-LF mail. */
function findBodyInBytes(raw: Buffer): { headerEnd: number; bodyStart: number } {
  const firstNewline = raw.indexOf(0x0a)
  if (firstNewline === -1) return { headerEnd: raw.length, bodyStart: raw.length }
  if (firstNewline === 0) return { headerEnd: 0, bodyStart: 1 }
  const crlf = raw[firstNewline - 1] === 0x0d
  if (crlf && firstNewline === 1) return { headerEnd: 0, bodyStart: 2 }
  const blank = raw.indexOf(crlf ? CRLF2 : LF2)
  if (blank === -1) return { headerEnd: raw.length, bodyStart: raw.length }
  return { headerEnd: blank, bodyStart: blank + (crlf ? 4 : 2) }
}

const WANTED = new Set(['subject', 'date', 'message-id', 'content-type', 'content-transfer-encoding'])

/** Reads the wanted headers of a header block (first occurrence wins), unfolding long lines. */
export function readHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>()
  let name: string | undefined
  let value = ''
  const commit = () => {
    if (name !== undefined && !headers.has(name)) headers.set(name, value.trim())
    name = undefined
  }
  let at = 0
  while (at < block.length) {
    let lineEnd = block.indexOf('\n', at)
    if (lineEnd === -1) lineEnd = block.length
    const line = block.slice(at, block.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd)
    at = lineEnd + 1
    const first = line.charCodeAt(0)
    if (first === 0x20 || first === 0x09) {
      if (name !== undefined) value += line
      continue
    }
    commit()
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const key = line.slice(0, colon).trim().toLowerCase()
    if (!WANTED.has(key)) continue
    name = key
    value = line.slice(colon + 1)
  }
  commit()
  return headers
}

/** Finds the blank line ending a header block within [start, end), for CRLF or bare-LF mail. */
function findBody(text: string, start: number, end: number): { headerEnd: number; bodyStart: number } {
  const firstNewline = text.indexOf('\n', start)
  if (firstNewline === -1 || firstNewline >= end) return { headerEnd: end, bodyStart: end }
  if (firstNewline === start) return { headerEnd: start, bodyStart: start + 1 }
  const crlf = text.charCodeAt(firstNewline - 1) === 0x0d
  if (crlf && firstNewline === start + 1) return { headerEnd: start, bodyStart: start + 2 }
  const blank = text.indexOf(crlf ? '\r\n\r\n' : '\n\n', start)
  if (blank === -1 || blank >= end) return { headerEnd: end, bodyStart: end }
  return { headerEnd: blank, bodyStart: blank + (crlf ? 4 : 2) }
}

function findTemplateId(
  text: string,
  start: number,
  end: number,
  headers: Map<string, string>,
  depth: number,
): string | undefined {
  const contentType = (headers.get('content-type') ?? 'text/plain').toLowerCase()
  if (contentType.startsWith('multipart/')) {
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(headers.get('content-type') ?? '')
    const value = boundary?.[1] ?? boundary?.[2]
    if (!value || depth >= MAX_DEPTH) return undefined
    // Last part first: in multipart/alternative it is the richest (HTML), where Coder puts the link.
    for (const part of splitParts(text, start, end, value).reverse()) {
      const { headerEnd, bodyStart } = findBody(text, part.start, part.end)
      const partHeaders = readHeaders(text.slice(part.start, headerEnd))
      const found = findTemplateId(text, bodyStart, part.end, partHeaders, depth + 1)
      if (found) return found
    }
    return undefined
  }
  if (!contentType.startsWith('text/')) return undefined
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()
  if (encoding === 'quoted-printable') return findInQuotedPrintable(text, start, end)
  const body = text.slice(start, end)
  if (encoding === 'base64') return TEMPLATE_LINK.exec(Buffer.from(body, 'base64').toString('latin1'))?.[1]
  return TEMPLATE_LINK.exec(body)?.[1]
}

/**
 * Finds the link in a quoted-printable part. Unwrapping soft line breaks copies the whole part,
 * so first only windows around the words `disabled` and `notifications` are unwrapped: a soft
 * break (one per 76 columns) can split at most one of them. Only if no window holds the link is
 * the whole part unwrapped.
 */
function findInQuotedPrintable(text: string, start: number, end: number): string | undefined {
  for (const anchor of ['notifications', 'disabled']) {
    for (let at = text.indexOf(anchor, start); at !== -1 && at < end; at = text.indexOf(anchor, at + 1)) {
      // Room for `notifications=3F` before and `disabled=3D<uuid>` after, with soft breaks.
      const window = text.slice(Math.max(start, at - 24), Math.min(end, at + 88)).replace(SOFT_BREAK, '')
      const match =
        TEMPLATE_LINK_QP.exec(window) ??
        (ESCAPED_QUESTION.test(window) ? TEMPLATE_LINK.exec(decodeQuotedPrintable(window)) : null)
      if (match) return match[1]
    }
  }
  const joined = text.slice(start, end).replace(SOFT_BREAK, '')
  const match = TEMPLATE_LINK_QP.exec(joined)
  if (match) return match[1]
  // Rare: an encoder that also escaped the '?' or letters; decode fully and look again.
  return joined.includes('disabled') ? TEMPLATE_LINK.exec(decodeQuotedPrintable(joined))?.[1] : undefined
}

/** The [start, end) ranges of the body parts between `--boundary` delimiter lines. */
function splitParts(
  text: string,
  start: number,
  end: number,
  boundary: string,
): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = []
  const delimiter = `--${boundary}`
  const delimiterLine = `\n${delimiter}`
  const find = (from: number) => {
    const at = text.indexOf(delimiterLine, from)
    return at === -1 || at >= end ? -1 : at + 1
  }
  let at = text.startsWith(delimiter, start) ? start : find(start)
  while (at !== -1) {
    const afterDelimiter = at + delimiter.length
    if (text.startsWith('--', afterDelimiter)) break
    const lineEnd = text.indexOf('\n', afterDelimiter)
    if (lineEnd === -1 || lineEnd >= end) break
    const next = find(lineEnd)
    const stop = next === -1 ? end : next - 1
    parts.push({ start: lineEnd + 1, end: text.charCodeAt(stop - 1) === 0x0d ? stop - 1 : stop })
    at = next
  }
  return parts
}

/** Decodes quoted-printable text whose soft line breaks are already removed, to latin1. */
export function decodeQuotedPrintable(text: string): string {
  return text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}
