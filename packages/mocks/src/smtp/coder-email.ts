import { randomBytes, randomUUID } from 'node:crypto'

export interface CoderEmailOptions {
  from?: string
  to: string
  /** Plain-text title, e.g. `Template "x" deleted`. */
  subject: string
  templateId: string
  /** Bare id (`<uuid>@<host>`); a fresh one when omitted. */
  messageId?: string
  date?: Date
  baseUrl?: string
  userName?: string
  body?: string
}

/**
 * Builds a raw email the way coderd's SMTP dispatcher writes one (coderd/notifications/dispatch/smtp.go):
 * CRLF headers in Coder's order, a bare Message-Id, an RFC 1123 date with a numeric zone, and a
 * multipart/alternative body of a text and an HTML part, both quoted-printable soft-wrapped at
 * 76 columns, the HTML footer carrying the `?disabled=<template id>` unsubscribe link.
 */
export function buildCoderEmail(options: CoderEmailOptions): string {
  const baseUrl = options.baseUrl ?? 'http://127.0.0.1:3000'
  const name = options.userName ?? options.to.split('@')[0] ?? 'user'
  const body = options.body ?? `The template **${options.subject}** was deleted by **admin**.`
  const boundary = randomBytes(30).toString('hex')
  const text = `Hi ${name},\r\n\r\n${body}\r\n\r\nView templates: ${baseUrl}/templates\r\n`
  const html = coderHtml({ subject: options.subject, name, body, baseUrl, templateId: options.templateId })
  return [
    `From: ${options.from ?? 'notifications@coder.example.com'}`,
    `To: ${options.to}`,
    `Subject: ${options.subject}`,
    `Message-Id: ${options.messageId ?? `${randomUUID()}@coderd.example.com`}`,
    `Date: ${formatRfc1123z(options.date ?? new Date())}`,
    `Content-Type: multipart/alternative;  boundary=${boundary}`,
    'MIME-Version: 1.0',
    '',
    `--${boundary}`,
    'Content-Transfer-Encoding: quoted-printable',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    encodeQuotedPrintable(text),
    `--${boundary}`,
    'Content-Transfer-Encoding: quoted-printable',
    'Content-Type: text/html; charset=UTF-8',
    '',
    encodeQuotedPrintable(html),
    `--${boundary}--`,
    '',
  ].join('\r\n')
}

function coderHtml(o: {
  subject: string
  name: string
  body: string
  baseUrl: string
  templateId: string
}): string {
  const link = 'style="color: #2563eb; text-decoration: none;"'
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '    <meta charset="UTF-8" />',
    '    <meta name="viewport" content="width=device-width, initial-scale=1.0" />',
    `    <title>${o.subject}</title>`,
    '</head>',
    "<body style=\"margin: 0; padding: 0; font-family: -apple-system, system-ui, BlinkMacSystemFont, 'Segoe UI', 'Roboto', sans-serif; color: #020617; background: #f8fafc;\">",
    '    <div style="max-width: 600px; margin: 20px auto; padding: 60px; border: 1px solid #e2e8f0; border-radius: 8px; background-color: #fff; text-align: left; font-size: 14px; line-height: 1.5;">',
    '        <div style="text-align: center;">',
    `            <img src="${o.baseUrl}/icon/coder.svg" alt="Coder Logo" style="height: 40px;" />`,
    '        </div>',
    '        <h1 style="text-align: center; font-size: 24px; font-weight: 400; margin: 8px 0 32px; line-height: 1.5;">',
    `            ${o.subject}`,
    '        </h1>',
    '        <div style="line-height: 1.5;">',
    `            <p>Hi ${o.name},</p>`,
    `            <p>${o.body}</p>`,
    '        </div>',
    '        <div style="text-align: center; margin-top: 32px;">',
    `            <a href="${o.baseUrl}/templates" style="display: inline-block; padding: 13px 24px; background-color: #020617; color: #f8fafc; text-decoration: none; border-radius: 8px; margin: 0 4px;">`,
    '                View templates',
    '            </a>',
    '        </div>',
    '        <div style="border-top: 1px solid #e2e8f0; color: #475569; font-size: 12px; margin-top: 64px; padding-top: 24px; line-height: 1.6;">',
    `            <p>&copy;&nbsp;${new Date().getUTCFullYear()}&nbsp;Coder. All rights reserved&nbsp;-&nbsp;<a href="${o.baseUrl}" ${link}>${o.baseUrl}</a></p>`,
    `            <p><a href="${o.baseUrl}/settings/notifications" ${link}>Click here to manage your notification settings</a></p>`,
    `            <p><a href="${o.baseUrl}/settings/notifications?disabled=${o.templateId}" ${link}>Stop receiving emails like this</a></p>`,
    '        </div>',
    '    </div>',
    '</body>',
    '</html>',
  ].join('\n')
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function formatRfc1123z(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
}

/**
 * Quoted-printable as Go's mime/quotedprintable writes it: '=' and bytes outside printable
 * ASCII as =XX, LF line breaks written as CRLF, lines soft-wrapped with '=' at 76 columns.
 */
export function encodeQuotedPrintable(text: string): string {
  const lines: string[] = []
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    let out = ''
    let width = 0
    for (const byte of Buffer.from(line, 'utf8')) {
      const literal = byte >= 0x20 && byte <= 0x7e && byte !== 0x3d
      const token = literal
        ? String.fromCharCode(byte)
        : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`
      if (width + token.length > 75) {
        out += '=\r\n'
        width = 0
      }
      out += token
      width += token.length
    }
    lines.push(out)
  }
  return lines.join('\r\n')
}
