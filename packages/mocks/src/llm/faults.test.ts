import { APIConnectionError, APIError, RateLimitError } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { FAULT_HEADER } from './engine.ts'
import { type StartedLlmMock, startLlmMock } from './start.ts'
import { anthropicClient, openaiClient, postJson } from './test-clients.test-helper.ts'

let mock: StartedLlmMock
beforeAll(async () => {
  mock = await startLlmMock({ responsePayloadSize: 400, stallMs: 400, retryAfterSeconds: 7 })
})
afterAll(() => mock.close())

const chat = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] }
const fault = (mode: string) => ({ headers: { [FAULT_HEADER]: mode } })

/** Reads a chat stream to its end or first error; returns the text seen and what ended it. */
async function readChat(mode: string) {
  let text = ''
  let finish: string | null = null
  try {
    const stream = await openaiClient(mock.url).chat.completions.create(
      { ...chat, stream: true },
      fault(mode),
    )
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    return { text, finish, error: undefined }
  } catch (error) {
    return { text, finish, error: error as Error }
  }
}

describe('faults as the openai client sees them', () => {
  it('500 is an APIError with the mock message', async () => {
    const error = await openaiClient(mock.url)
      .chat.completions.create(chat, fault('500'))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(APIError)
    expect(error).toMatchObject({ status: 500 })
    expect((error as Error).message).toContain('scaletest fault injected')
  })

  it('429 is a RateLimitError carrying Retry-After', async () => {
    const error = await openaiClient(mock.url)
      .chat.completions.create(chat, fault('429'))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).headers?.get('retry-after')).toBe('7')
  })

  it('reset mid-stream fails the stream after part of the text', async () => {
    const { text, finish, error } = await readChat('reset')
    expect(error).toBeDefined()
    expect(finish).toBeNull()
    expect(text.length).toBeLessThan(400)
  })

  it('reset without streaming is a connection error', async () => {
    const error = await openaiClient(mock.url)
      .chat.completions.create(chat, fault('reset'))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(APIConnectionError)
  })

  it('truncate ends the stream cleanly but early: partial text, no finish_reason, no [DONE]', async () => {
    const { text, finish, error } = await readChat('truncate')
    expect(error).toBeUndefined()
    expect(finish).toBeNull()
    expect(text.length).toBeGreaterThan(0)
    expect(text.length).toBeLessThan(400)
    const raw = await postJson(
      `${mock.url}/v1/chat/completions`,
      { ...chat, stream: true },
      { [FAULT_HEADER]: 'truncate' },
    )
    expect(raw.text).not.toContain('[DONE]')
    expect(raw.text.endsWith('\n\n')).toBe(true)
  })

  it('truncate without streaming sends half a JSON body', async () => {
    const error = await openaiClient(mock.url)
      .chat.completions.create(chat, fault('truncate'))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
  })

  it('malformed puts an event with broken JSON in the stream', async () => {
    const { text, error } = await readChat('malformed')
    expect(error?.message).toMatch(/malformed|JSON/i)
    expect(text.length).toBeLessThan(400)
    const raw = await postJson(
      `${mock.url}/v1/chat/completions`,
      { ...chat, stream: true },
      { [FAULT_HEADER]: 'malformed' },
    )
    const broken = raw.text.split('\n\n').filter((e) => e.startsWith('data: {') && !isJson(e.slice(6)))
    expect(broken).toHaveLength(1)
    expect(raw.text).toContain('data: [DONE]')
  })

  it('stall sends nothing for the stall duration mid-stream, then finishes', async () => {
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [FAULT_HEADER]: 'stall' },
      body: JSON.stringify({ ...chat, stream: true }),
    })
    const arrivals: number[] = []
    let body = ''
    const decoder = new TextDecoder()
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      arrivals.push(performance.now())
      body += decoder.decode(chunk)
    }
    const longestGap = Math.max(...arrivals.slice(1).map((t, i) => t - arrivals[i]!))
    expect(longestGap).toBeGreaterThanOrEqual(350)
    expect(body).toContain('data: [DONE]')
  })

  it('rejects an unknown fault name with 400', async () => {
    const res = await postJson(`${mock.url}/v1/chat/completions`, chat, { [FAULT_HEADER]: 'explode' })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text).error.message).toContain("unknown x-scaletest-fault 'explode'")
  })
})

describe('faults as the openai responses client sees them', () => {
  it('truncate: typed events stop before response.completed, leaving an in-progress partial response', async () => {
    const stream = openaiClient(mock.url).responses.stream({ model: 'm', input: 'hi' }, fault('truncate'))
    const types: string[] = []
    stream.on('event', (event) => types.push(event.type))
    // This SDK resolves with its snapshot when the stream ends early; what tells is the status.
    const final = await stream.finalResponse()
    expect(final.status).toBe('in_progress')
    expect(final.output_text.length).toBeGreaterThan(0)
    expect(final.output_text.length).toBeLessThan(400)
    expect(types[0]).toBe('response.created')
    expect(types).not.toContain('response.completed')
  })
})

describe('faults as the anthropic client sees them', () => {
  it('truncate: the stream ends without message_stop and the final message is refused', async () => {
    const stream = anthropicClient(mock.url).messages.stream(
      { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
      fault('truncate'),
    )
    await expect(stream.finalMessage()).rejects.toThrow()
  })

  it('429 is a RateLimitError', async () => {
    const error = await anthropicClient(mock.url)
      .messages.create(
        { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
        fault('429'),
      )
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 429, error: { error: { type: 'rate_limit_error' } } })
  })
})

describe('faults by probability', () => {
  it('injects the configured share of faults and counts them in /metrics', async () => {
    await using flaky = await startLlmMock({ faults: { '500': 0.5 }, seed: 42 })
    const statuses: number[] = []
    for (let i = 0; i < 40; i++)
      statuses.push((await postJson(`${flaky.url}/v1/chat/completions`, chat)).status)
    const failed = statuses.filter((s) => s === 500).length
    expect(failed).toBeGreaterThan(5)
    expect(failed).toBeLessThan(35)
    expect(statuses.filter((s) => s !== 500).every((s) => s === 200)).toBe(true)
    const metrics = await (await fetch(`${flaky.url}/metrics`)).text()
    expect(metrics).toContain(`llm_mock_faults_total{endpoint="chat_completions",fault="500"} ${failed}`)
  })
})

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
