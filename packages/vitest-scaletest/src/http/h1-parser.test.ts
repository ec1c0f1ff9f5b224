import { describe, expect, it } from 'vitest'

import { H1ParseError, type ResponseHead, ResponseParser } from './h1-parser.ts'

/** Feeds `wire` to a fresh parser in pieces of `step` bytes; returns what it reported. */
function parse(wire: string | Buffer, step: number, noBody = false) {
  const parser = new ResponseParser()
  const heads: ResponseHead[] = []
  const body: Buffer[] = []
  const ends: boolean[] = []
  parser.start(
    {
      onHead: (head) => heads.push(head),
      onBody: (chunk) => body.push(Buffer.from(chunk)),
      onEnd: (reusable) => ends.push(reusable),
    },
    noBody,
  )
  const bytes = typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire
  for (let at = 0; at < bytes.length; at += step) parser.feed(bytes.subarray(at, at + step))
  return { parser, heads, body: Buffer.concat(body).toString('latin1'), ends }
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n' +
  '5;ext=1\r\nhello\r\n1A\r\n, chunked world, in parts!\r\n0\r\nX-Trailer: yes\r\n\r\n'

describe('ResponseParser', () => {
  it('parses a chunked response with extensions and trailers however the bytes are split', () => {
    for (const step of [1, 2, 3, 7, 16, 1000]) {
      const { heads, body, ends } = parse(CHUNKED, step)
      expect(heads).toHaveLength(1)
      expect(heads[0]!.statusCode).toBe(200)
      expect(heads[0]!.headers['set-cookie']).toEqual(['a=1', 'b=2'])
      expect(body).toBe('hello, chunked world, in parts!')
      expect(ends).toEqual([true])
    }
  })

  it('reads a content-length body split byte by byte, and keeps the connection for HTTP/1.1', () => {
    const { heads, body, ends } = parse('HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n0123456789', 1)
    expect(heads[0]).toMatchObject({ statusCode: 201, headers: { 'content-length': '10' } })
    expect(body).toBe('0123456789')
    expect(ends).toEqual([true])
  })

  it('skips 1xx responses and takes no body for HEAD, 204 and 304', () => {
    const early = parse(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      5,
    )
    expect(early.heads.map((h) => h.statusCode)).toEqual([200])
    expect(early.body).toBe('ok')
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', 4, true)).toMatchObject({
      body: '',
      ends: [true],
    })
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n', 3)).toMatchObject({ body: '', ends: [true] })
    expect(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n', 3)).toMatchObject({ ends: [true] })
  })

  it('reads a body without length until the server closes, and never reuses that connection', () => {
    const { parser, body, ends } = parse('HTTP/1.1 200 OK\r\n\r\nuntil the end', 4)
    expect(ends).toEqual([])
    expect(parser.eof()).toBe(true)
    expect(body).toBe('until the end')
    expect(ends).toEqual([false])
  })

  it('does not reuse a connection the server closes: connection: close, or HTTP/1.0 without keep-alive', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', 8).ends).toEqual([
      false,
    ])
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', 8).ends).toEqual([false])
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', 8).ends).toEqual([
      true,
    ])
  })

  it("remembers the server's Keep-Alive timeout hint", () => {
    const { parser } = parse(
      'HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n',
      64,
    )
    expect(parser.keepAliveHintMs).toBe(5000)
  })

  it('does not reuse the connection when bytes follow the response (pipelined garbage)', () => {
    const { body, ends } = parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n', 1000)
    expect(body).toBe('ok')
    expect(ends).toEqual([false])
  })

  it('rejects malformed input with a clear error', () => {
    const cases: Array<[string, string]> = [
      ['SSH-2.0-OpenSSH_9.6\r\n\r\n', 'HPE_INVALID_CONSTANT'],
      ['HTTP/1.1 2000 OK\r\n\r\n', 'HPE_INVALID_CONSTANT'],
      ['HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH'],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'HPE_INVALID_CHUNK_SIZE'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX', 'HPE_STRICT'],
      ['HTTP/1.1 101 Switching Protocols\r\n\r\n', 'HPE_UNEXPECTED_UPGRADE'],
      [`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 'HPE_HEADER_OVERFLOW'],
    ]
    for (const [wire, code] of cases) {
      let caught: unknown
      try {
        parse(wire, 7)
      } catch (error) {
        caught = error
      }
      expect(caught, wire.slice(0, 30)).toBeInstanceOf(H1ParseError)
      expect(caught).toMatchObject({ code })
    }
  })

  it('rejects data when no request is outstanding', () => {
    const { parser } = parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 100)
    expect(() => parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'))).toThrow(/no request outstanding/)
  })
})
