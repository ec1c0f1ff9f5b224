import { describe, expect, it } from 'vitest'

import { startLlmMock } from './start.ts'

const body = (stream: boolean) =>
  JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream })

/** Sends a chat request; returns when the headers and each body chunk arrived, relative to the send. */
async function timed(url: string, stream: boolean) {
  const sent = performance.now()
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(stream),
  })
  const arrivals: number[] = []
  let text = ''
  const decoder = new TextDecoder()
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    arrivals.push(performance.now() - sent)
    text += decoder.decode(chunk)
  }
  return { arrivals, text }
}

describe('response shaping', () => {
  it('waits the artificial latency before the first byte', async () => {
    await using mock = await startLlmMock({ artificialLatencyMs: 150 })
    const { arrivals } = await timed(mock.url, false)
    expect(arrivals[0]).toBeGreaterThanOrEqual(140)
  })

  it('paces stream chunks over a duration drawn from the range', async () => {
    await using mock = await startLlmMock({
      responsePayloadSize: 40,
      minStreamDurationMs: 300,
      maxStreamDurationMs: 400,
    })
    const { arrivals, text } = await timed(mock.url, true)
    const events = text.split('\n\n').filter(Boolean)
    expect(events).toHaveLength(13) // role, 10 tokens, finish, [DONE]
    expect(arrivals.length).toBeGreaterThanOrEqual(6) // paced events arrive in separate reads
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(280)
    expect(arrivals.at(-1)! - arrivals[0]!).toBeLessThan(5000)
  })

  it('sends the configured payload size, 4 bytes per token', async () => {
    await using mock = await startLlmMock({ responsePayloadSize: 1001 })
    const { text } = await timed(mock.url, false)
    const completion = JSON.parse(text)
    expect(completion.choices[0].message.content).toHaveLength(1001)
    expect(completion.usage.completion_tokens).toBe(251)
  })

  it('streams unique ids per answer from the template cache, equal within an answer', async () => {
    await using mock = await startLlmMock({ responsePayloadSize: 80 })
    const ids = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const { text } = await timed(mock.url, true)
      const inAnswer = new Set([...text.matchAll(/"id":"(chatcmpl-[^"]+)"/g)].map((m) => m[1]))
      expect(inAnswer.size).toBe(1)
      ids.add([...inAnswer][0]!)
    }
    expect(ids.size).toBe(5)
  })
})

describe('cached stream templates', () => {
  it('keep each answer its own id and model when requests alternate', async () => {
    await using mock = await startLlmMock({ responsePayloadSize: 40 })
    const answers: { model: string; id: string; text: string }[] = []
    for (const model of ['a', 'b', 'a', 'b']) {
      for (const path of ['/v1/chat/completions', '/v1/messages', '/v1/responses']) {
        const res = await fetch(`${mock.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model,
            max_tokens: 100,
            messages: [{ role: 'user', content: 'hi' }],
            input: 'hi',
            stream: true,
          }),
        })
        const text = await res.text()
        const models = new Set([...text.matchAll(/"model":"([^"]*)"/g)].map((m) => m[1]))
        expect(models).toEqual(new Set([model]))
        const id = /"id":"((?:chatcmpl-|msg_|resp_)[^"]+)"/.exec(text)![1]!
        const itemIds = new Set([...text.matchAll(/"item_id":"([^"]+)"/g)].map((m) => m[1]))
        expect(itemIds.size).toBeLessThanOrEqual(1)
        if (itemIds.size === 1) expect([...itemIds][0]).toBe(id.replace('resp_', 'msg_'))
        const deltas = text
          .split('\n\n')
          .filter((e) => /content_block_delta|output_text\.delta|"delta":\{"content"/.test(e))
          .map((e) => /"(?:content|text|delta)":"([^"]*)"/.exec(e)![1])
          .join('')
        answers.push({ model, id, text: deltas })
      }
    }
    expect(new Set(answers.map((a) => a.id)).size).toBe(answers.length)
    for (const answer of answers) expect(answer.text).toBe('the load test streams this text from a m')
  })
})
