import { describe, expect, it } from 'vitest'

import { encodeQuotedPrintable, formatEmail, rfc1123z } from './email-format.ts'

describe('encodeQuotedPrintable', () => {
  it('escapes = and non-ASCII, keeps CRLF lines, encodes trailing space', () => {
    expect(encodeQuotedPrintable('a=b')).toBe('a=3Db')
    expect(encodeQuotedPrintable('café')).toBe('caf=C3=A9')
    expect(encodeQuotedPrintable('one\ntwo ')).toBe('one\r\ntwo=20')
  })

  it('soft-wraps at 76 columns and decodes back to the input', () => {
    const input = `${'x'.repeat(70)}=${'y'.repeat(100)}`
    const encoded = encodeQuotedPrintable(input)
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76)
    const decoded = encoded
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    expect(decoded).toBe(input)
  })
})

describe('formatEmail', () => {
  it('formats the Date as RFC 1123 with a numeric zone', () => {
    expect(rfc1123z(new Date(Date.UTC(2006, 0, 2, 15, 4, 5)))).toBe('Mon, 02 Jan 2006 15:04:05 +0000')
  })

  it('puts the template id only in the unsubscribe link', () => {
    const id = '29a09665-2a4c-403f-9648-54301670e7be'
    const raw = formatEmail({
      from: 'coder@example.org',
      to: 'u@example.org',
      title: 'Template "t" deleted',
      body: 'The template **t** was deleted by **me**.',
      actions: [{ label: 'View templates', url: 'https://coder.example/templates' }],
      userName: 'User',
      notificationTemplateId: id,
      messageId: '11111111-2222-4333-8444-555555555555',
      hostname: 'host',
      baseUrl: 'https://coder.example',
      date: new Date(0),
    })
    const decoded = raw.replace(/=\r\n/g, '')
    expect(decoded.split(id)).toHaveLength(2)
    expect(decoded).toContain(`/settings/notifications?disabled=3D${id}"`)
    expect(raw).toMatch(/^Message-Id: 11111111-2222-4333-8444-555555555555@host\r$/m)
  })
})
