import { describe, expect, it } from 'vitest'

import { redactHeaders, redactSecrets, redactUrl } from './redact.ts'

describe('redaction', () => {
  it('replaces each secret, URL-encoded forms included', () => {
    expect(redactSecrets('token=ab+cd/ef and ab%2Bcd%2Fef', ['ab+cd/ef'])).toBe(
      'token=[REDACTED] and [REDACTED]',
    )
    expect(redactSecrets('short abc stays', ['abc'])).toBe('short abc stays')
  })

  it('redacts user info and secret query parameters but keeps the rest', () => {
    expect(redactUrl('https://me:pw@coder.example.com/api?coder_session_token=x1&q=owner:me')).toBe(
      'https://[REDACTED]:[REDACTED]@coder.example.com/api?coder_session_token=[REDACTED]&q=owner%3Ame',
    )
  })

  it('redacts credential headers only', () => {
    expect(redactHeaders({ Authorization: 'Bearer x', 'Coder-Session-Token': 't', accept: 'json' })).toEqual({
      Authorization: '[REDACTED]',
      'Coder-Session-Token': '[REDACTED]',
      accept: 'json',
    })
  })
})
