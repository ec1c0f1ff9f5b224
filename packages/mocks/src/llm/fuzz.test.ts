import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { FAULT_HEADER } from './engine.ts'
import { type StartedLlmMock, startLlmMock } from './start.ts'

let mock: StartedLlmMock
beforeAll(async () => {
  mock = await startLlmMock({ maxBodyBytes: 64 * 1024, toolCallsPerTurn: 1 })
})
afterAll(() => mock.close())

const PATHS = [
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/messages',
  '/v1/models',
  '/chat/completions',
  '/healthz',
]

const validBodies = {
  '/v1/chat/completions': { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true },
  '/v1/responses': { model: 'm', input: 'hi', stream: true },
  '/v1/messages': { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true },
} as Record<string, Record<string, unknown>>

// Bodies from well-formed to garbage: a valid request with fields overwritten by random JSON,
// random JSON, and random text.
const body = fc.oneof(
  { arbitrary: fc.constantFrom(...Object.values(validBodies)).map((b) => JSON.stringify(b)), weight: 4 },
  fc
    .tuple(
      fc.constantFrom(...Object.values(validBodies)),
      fc.dictionary(
        fc.constantFrom(
          'model',
          'messages',
          'input',
          'stream',
          'tools',
          'max_tokens',
          'stream_options',
          'content',
        ),
        fc.jsonValue(),
      ),
    )
    .map(([base, patch]) => JSON.stringify({ ...base, ...patch })),
  fc.json(),
  fc.string({ maxLength: 200 }),
)

const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'multipart/form-data',
    ),
    [FAULT_HEADER]: fc.constantFrom('none', 'none', 'none', '', 'bogus', '5000'),
    'x-random': fc.string({ maxLength: 20 }).filter((s) => /^[\x21-\x7e]*$/.test(s)),
    'anthropic-version': fc.constant('2023-06-01'),
  },
  { requiredKeys: [] },
)

describe('random requests', () => {
  it('always get a well-formed 2xx or 4xx, and the server stays up', async () => {
    const seen = { streams: 0, json: 0, errors: 0 }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
        fc.oneof({ arbitrary: fc.constantFrom(...PATHS), weight: 4 }, fc.webPath()),
        body,
        headers,
        async (method, path, text, sent) => {
          const res = await fetch(`${mock.url}${path.startsWith('/') ? path : `/${path}`}`, {
            method,
            headers: sent,
            body: method === 'GET' ? undefined : text,
          })
          const received = await res.text()
          expect(res.status === 200 || (res.status >= 400 && res.status < 500), `status ${res.status}`).toBe(
            true,
          )
          const type = res.headers.get('content-type') ?? ''
          if (res.status >= 400) seen.errors++
          if (type.startsWith('text/event-stream')) {
            seen.streams++
            expect(received.endsWith('\n\n')).toBe(true)
            for (const event of received.slice(0, -2).split('\n\n')) {
              const data = /^data: (.*)$/m.exec(event)?.[1]
              expect(data, event).toBeDefined()
              if (data !== '[DONE]') JSON.parse(data!)
            }
            expect(received).toMatch(
              /data: \[DONE\]\n\n$|"type":"message_stop"\}\n\n$|"type":"response\.completed"/,
            )
          } else {
            seen.json++
            const json = JSON.parse(received)
            if (res.status >= 400) expect(JSON.stringify(json)).toMatch(/"message":"[^"]+/)
          }
        },
      ),
      { numRuns: 200, seed: 20_261_127 },
    )
    // The generators reach every branch: streams, JSON answers and errors.
    expect(seen.streams).toBeGreaterThan(0)
    expect(seen.errors).toBeGreaterThan(20)
    expect(seen.json - seen.errors).toBeGreaterThan(0)
    expect((await fetch(`${mock.url}/healthz`)).status).toBe(200)
  })
})
