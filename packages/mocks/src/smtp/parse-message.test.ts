import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { buildCoderEmail, encodeQuotedPrintable } from './coder-email.ts'
import { parseMessage } from './parse-message.ts'

const TEMPLATE_DELETED = '29a09665-2a4c-403f-9648-54301670e7be'

const parse = (raw: string) => parseMessage(Buffer.from(raw, 'utf8'))

describe('parseMessage', () => {
  it('reads a Coder notification email: subject, date, bare message id, template id', () => {
    const raw = buildCoderEmail({
      to: 'admin@example.com',
      subject: 'Template "scaletest-test-template" deleted',
      templateId: TEMPLATE_DELETED,
      messageId: '5a7ff3a4-1c07-4b5e-a1d2-8c1ad0a2f9b1@coderd-0',
      date: new Date('2026-11-27T15:04:05Z'),
    })
    // The link is soft-wrapped by quoted-printable, so a naive search of the raw text misses it.
    expect(raw).not.toContain(`disabled=3D${TEMPLATE_DELETED}`)
    expect(parse(raw)).toEqual({
      subject: 'Template "scaletest-test-template" deleted',
      date: new Date('2026-11-27T15:04:05Z'),
      messageId: '5a7ff3a4-1c07-4b5e-a1d2-8c1ad0a2f9b1@coderd-0',
      templateId: TEMPLATE_DELETED,
    })
  })

  it('finds the template id wherever the 76-column soft wrap falls', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string({ minLength: 0, maxLength: 90 }), (uuid, prefix) => {
        const baseUrl = `http://coder.example.com/${encodeURIComponent(prefix)}`
        const raw = buildCoderEmail({ to: 'u@example.com', subject: 's', templateId: uuid, baseUrl })
        expect(parse(raw).templateId).toBe(uuid.toLowerCase())
      }),
      { numRuns: 200 },
    )
  })

  it('decodes base64 and 8bit HTML parts inside nested multiparts', () => {
    const html = `<a href="https://c.example/settings/notifications?disabled=${TEMPLATE_DELETED}">Stop</a>`
    const base64 = Buffer.from(html).toString('base64').replace(/.{76}/g, '$&\r\n')
    const raw = [
      'Subject: nested',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      'preamble',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain',
      '',
      'no link here',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64,
      '--inner--',
      '--outer',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('notifications?disabled=00000000-0000-0000-0000-000000000001').toString('base64'),
      '--outer--',
      '',
    ].join('\r\n')
    expect(parse(raw).templateId).toBe(TEMPLATE_DELETED)
    const plain = `Subject: plain\n\nvisit https://c.example/settings/notifications?disabled=${TEMPLATE_DELETED.toUpperCase()}\n`
    expect(parse(plain).templateId).toBe(TEMPLATE_DELETED)
  })

  it('tells a quoted-printable =3D from a template id that starts with 3d', () => {
    const id = '3d3d3d3d-0000-4000-8000-3d3d3d3d3d3d'
    const link = `https://c.example/settings/notifications?disabled=${id}`
    expect(parse(`Content-Type: text/html\r\n\r\n<a href="${link}">x</a>\r\n`).templateId).toBe(id)
    const qp = `Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${encodeQuotedPrintable(`<a href="${link}">x</a>`)}\r\n`
    expect(qp).toContain(`disabled=3D${id.slice(0, 10)}`)
    expect(parse(qp).templateId).toBe(id)
  })

  it('ignores a link that only appears in an attachment', () => {
    const raw = [
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: application/json',
      '',
      `{"url":"/settings/notifications?disabled=${TEMPLATE_DELETED}"}`,
      '--b--',
    ].join('\r\n')
    expect(parse(raw).templateId).toBeUndefined()
  })

  it('decodes a quoted-printable link whose other characters were escaped too', () => {
    const qp = `<a href=3D"/settings/notifications=3Fdisabled=3D${TEMPLATE_DELETED}">x</a>`
    const raw = `Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp}\r\n`
    expect(parse(raw).templateId).toBe(TEMPLATE_DELETED)
  })

  it('decodes RFC 2047 subjects: Q and B words, joined words, split characters, folding', () => {
    expect(parse('Subject: =?UTF-8?Q?Workspace_=22dev=22_deleted?=\r\n\r\n').subject).toBe(
      'Workspace "dev" deleted',
    )
    expect(parse('Subject: =?utf-8?B?w6lsw6hyZQ==?=\r\n\r\n').subject).toBe('élère')
    // "é" is C3 A9: split across two adjacent words it must still decode as one character.
    expect(parse('Subject: =?UTF-8?Q?caf=C3?=\r\n =?UTF-8?Q?=A9_ok?=\r\n\r\n').subject).toBe('café ok')
    expect(parse('Subject: =?ISO-8859-1?Q?d=E9j=E0?= vu\r\n\r\n').subject).toBe('déjà vu')
    expect(parse('Subject: a long\r\n folded subject\r\n\r\n').subject).toBe('a long folded subject')
    expect(parse('Subject: Grüße aus Köln\r\n\r\n').subject).toBe('Grüße aus Köln')
  })

  it('reads dates with zones and comments, and leaves a bad date undefined', () => {
    expect(parse('Date: Mon, 02 Jan 2006 15:04:05 -0700\r\n\r\n').date).toEqual(
      new Date('2006-01-02T22:04:05Z'),
    )
    expect(parse('Date: Mon, 02 Jan 2006 15:04:05 +0000 (UTC)\r\n\r\n').date).toEqual(
      new Date('2006-01-02T15:04:05Z'),
    )
    expect(parse('Date: yesterday-ish\r\n\r\n').date).toBeUndefined()
  })

  it('copes with LF-only mail, missing headers and binary garbage', () => {
    expect(parse('Subject: lf only\nMessage-ID: <a@b>\n\nbody')).toEqual({
      subject: 'lf only',
      date: undefined,
      messageId: 'a@b',
      templateId: undefined,
    })
    expect(parse('')).toEqual({ subject: '', date: undefined, messageId: '', templateId: undefined })
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const parsed = parseMessage(Buffer.from(bytes))
        expect(typeof parsed.subject).toBe('string')
      }),
      { numRuns: 300 },
    )
  })

  it('encodes quoted-printable as Go does (=3D, non-ASCII bytes, 76-column lines)', () => {
    const encoded = encodeQuotedPrintable(`a=b é ${'x'.repeat(100)}`)
    expect(encoded.startsWith('a=3Db =C3=A9 ')).toBe(true)
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76)
  })
})
