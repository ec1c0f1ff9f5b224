import { randomBytes } from 'node:crypto'

import type { InboxAction } from '../records.ts'
import { markdownToPlain } from './catalogue.ts'

export interface EmailInput {
  from: string
  to: string
  /** Rendered title (markdown); becomes the plain-text subject. */
  title: string
  /** Rendered body (markdown). */
  body: string
  actions: InboxAction[]
  /** Name shown in the greeting: the user's name, else username. */
  userName: string
  notificationTemplateId: string
  messageId: string
  hostname: string
  baseUrl: string
  date: Date
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number) => String(n).padStart(2, '0')

/** Go's `time.RFC1123Z` in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(date: Date): string {
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
}

/** Go's `mime/quotedprintable` writer: `=` as `=3D`, non-ASCII as bytes, CRLF lines, soft breaks at 76 columns. */
export function encodeQuotedPrintable(text: string): string {
  return text.replace(/\r\n/g, '\n').split('\n').map(encodeLine).join('\r\n')
}

function encodeLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8')
  let out = ''
  let column = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && i < bytes.length - 1)
    const token = literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`
    if (column + token.length > 75) {
      out += '=\r\n'
      column = 0
    }
    out += token
    column += token.length
  }
  return out
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;')

function markdownToHtml(markdown: string): string {
  return markdown
    .split(/\n{2,}/)
    .map(
      (p) =>
        `<p>${escapeHtml(p)
          .replace(/\*\*(.*?)\*\*/g, '<strong>$1</strong>')
          .replace(/\n/g, '<br>')}</p>`,
    )
    .join('\n')
}

function plainPart(input: EmailInput): string {
  const actions = input.actions.map((a) => `${a.label}: ${a.url}`).join('\n')
  return `Hi ${input.userName},\n\n${markdownToPlain(input.body)}\n\n${actions}\n`
}

function htmlPart(input: EmailInput, subject: string): string {
  const buttons = input.actions
    .map(
      (a) =>
        `      <a href="${escapeHtml(a.url)}" style="display: inline-block; padding: 13px 24px; background-color: #020617; color: #f8fafc; text-decoration: none; border-radius: 8px; margin: 0 4px;">\n        ${escapeHtml(a.label)}\n      </a>`,
    )
    .join('\n')
  const base = escapeHtml(input.baseUrl)
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="UTF-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1.0" />
  <title>${escapeHtml(subject)}</title>
</head>
<body style="margin: 0; padding: 0; font-family: -apple-system, system-ui, BlinkMacSystemFont, 'Segoe UI', 'Roboto', sans-serif; color: #020617; background: #f8fafc;">
  <div style="max-width: 600px; margin: 20px auto; padding: 60px; border: 1px solid #e2e8f0; border-radius: 8px; background-color: #fff; text-align: left; font-size: 14px; line-height: 1.5;">
    <h1 style="text-align: center; font-size: 24px; font-weight: 400; margin: 8px 0 32px; line-height: 1.5;">
      ${escapeHtml(subject)}
    </h1>
    <div style="line-height: 1.5;">
      <p>Hi ${escapeHtml(input.userName)},</p>
      ${markdownToHtml(input.body)}
    </div>
    <div style="text-align: center; margin-top: 32px;">
${buttons}
    </div>
    <div style="border-top: 1px solid #e2e8f0; color: #475569; font-size: 12px; margin-top: 64px; padding-top: 24px; line-height: 1.6;">
      <p>&copy;&nbsp;${input.date.getUTCFullYear()} Coder. All rights reserved - <a href="${base}" style="color: #2563eb; text-decoration: none;">${base}</a></p>
      <p><a href="${base}/settings/notifications" style="color: #2563eb; text-decoration: none;">Click here to manage your notification settings</a></p>
      <p><a href="${base}/settings/notifications?disabled=${input.notificationTemplateId}" style="color: #2563eb; text-decoration: none;">Stop receiving emails like this</a></p>
    </div>
  </div>
</body>
</html>
`
}

/** The raw message exactly as Coder's SMTP dispatcher writes it (dispatch/smtp.go), CRLF throughout. */
export function formatEmail(input: EmailInput): string {
  const subject = markdownToPlain(input.title)
  const boundary = randomBytes(30).toString('hex')
  const headers = [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${subject}`,
    `Message-Id: ${input.messageId}@${input.hostname}`,
    `Date: ${rfc1123z(input.date)}`,
    `Content-Type: multipart/alternative;  boundary=${boundary}`,
    'MIME-Version: 1.0',
    '',
  ]
  const part = (type: string, content: string) =>
    `Content-Transfer-Encoding: quoted-printable\r\nContent-Type: ${type}; charset=UTF-8\r\n\r\n${encodeQuotedPrintable(content)}`
  return `${headers.join('\r\n')}\r\n--${boundary}\r\n${part('text/plain', plainPart(input))}\r\n--${boundary}\r\n${part('text/html', htmlPart(input, subject))}\r\n--${boundary}--\r\n`
}
