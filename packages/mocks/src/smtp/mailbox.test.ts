import { describe, expect, it } from 'vitest'

import { Mailbox, NIL_UUID, ZERO_TIME } from './mailbox.ts'
import type { ParsedMessage } from './parse-message.ts'

const message = (subject: string, extra: Partial<ParsedMessage> = {}): ParsedMessage => ({
  subject,
  date: new Date('2026-01-02T03:04:05Z'),
  messageId: `${subject}@test`,
  templateId: undefined,
  ...extra,
})

const body = (mailbox: Mailbox, email?: string) => JSON.parse(mailbox.responseBody(email).toString())

describe('Mailbox', () => {
  it('indexes by envelope recipient, case-insensitively, in arrival order', () => {
    const mailbox = new Mailbox()
    mailbox.add(['Alice@Example.com', 'bob@example.com'], message('one'))
    mailbox.add(['alice@example.com', 'ALICE@example.com'], message('two'))
    mailbox.add(['carol@example.com'], message('three'))
    expect(body(mailbox, 'aLiCe@EXAMPLE.com').map((m: { subject: string }) => m.subject)).toEqual([
      'one',
      'two',
    ])
    expect(body(mailbox, 'bob@example.com').map((m: { subject: string }) => m.subject)).toEqual(['one'])
    expect(body(mailbox, 'nobody@example.com')).toEqual([])
    expect(body(mailbox).map((m: { subject: string }) => m.subject)).toEqual(['one', 'two', 'three'])
    expect(mailbox.size).toBe(3)
  })

  it("serialises summaries with Coder's field names and zero values", () => {
    const mailbox = new Mailbox()
    const receivedAt = Date.parse('2026-01-02T03:04:05.678Z')
    mailbox.add(
      ['a@x.io'],
      message('with id', { templateId: '29a09665-2a4c-403f-9648-54301670e7be' }),
      receivedAt,
    )
    mailbox.add(
      ['a@x.io'],
      { subject: 'bare', date: undefined, messageId: '', templateId: undefined },
      receivedAt,
    )
    expect(body(mailbox, 'a@x.io')).toEqual([
      {
        subject: 'with id',
        date: '2026-01-02T03:04:05Z',
        notification_template_id: '29a09665-2a4c-403f-9648-54301670e7be',
        message_id: 'with id@test',
        received_at: '2026-01-02T03:04:05.678Z',
      },
      {
        subject: 'bare',
        date: ZERO_TIME,
        notification_template_id: NIL_UUID,
        message_id: '',
        received_at: '2026-01-02T03:04:05.678Z',
      },
    ])
    expect(mailbox.messages('A@X.IO')).toEqual(body(mailbox, 'a@x.io'))
  })

  it('rebuilds a cached response body after a new arrival', () => {
    const mailbox = new Mailbox()
    mailbox.add(['a@x.io'], message('first'))
    const cached = mailbox.responseBody('a@x.io')
    expect(mailbox.responseBody('a@x.io')).toBe(cached)
    mailbox.add(['a@x.io'], message('second'))
    expect(body(mailbox, 'a@x.io')).toHaveLength(2)
    expect(body(mailbox)).toHaveLength(2)
  })

  it('purges on demand and reports how many it dropped', () => {
    const mailbox = new Mailbox()
    for (let i = 0; i < 5; i++) mailbox.add([`u${i}@x.io`], message(`m${i}`))
    expect(mailbox.purge()).toBe(5)
    expect(mailbox.size).toBe(0)
    expect(body(mailbox, 'u1@x.io')).toEqual([])
    expect(body(mailbox)).toEqual([])
    expect(mailbox.purges).toEqual({ manual: 1, auto: 0 })
  })

  it('auto-purges when an arrival finds the store full, keeping the newest message', () => {
    const purged: number[] = []
    const mailbox = new Mailbox({ purgeAtCount: 3, onAutoPurge: (n) => purged.push(n) })
    for (let i = 1; i <= 7; i++) mailbox.add(['a@x.io'], message(`m${i}`))
    expect(purged).toEqual([3, 3])
    expect(mailbox.size).toBe(1)
    expect(body(mailbox, 'a@x.io').map((m: { subject: string }) => m.subject)).toEqual(['m7'])
    expect(mailbox.purges).toEqual({ manual: 0, auto: 2 })
  })

  it('never auto-purges with purgeAtCount 0 and rejects a bad count', () => {
    const mailbox = new Mailbox({ purgeAtCount: 0 })
    for (let i = 0; i < 1000; i++) mailbox.add(['a@x.io'], message(`m${i}`))
    expect(mailbox.size).toBe(1000)
    expect(() => new Mailbox({ purgeAtCount: -1 })).toThrow(/purgeAtCount must be an integer >= 0/)
    expect(() => new Mailbox({ purgeAtCount: 1.5 })).toThrow(RangeError)
  })
})
