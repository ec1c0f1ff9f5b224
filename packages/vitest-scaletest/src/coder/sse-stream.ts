import { type Dispatcher, request } from 'undici'
import type { z } from 'zod'

import { AsyncQueue } from './async-queue.ts'
import { CoderRequestError, CoderResponseShapeError, CoderStreamError } from './errors.ts'
import { errorBodySchema } from './schemas.ts'
import { CoderStream } from './stream.ts'
import type { CoderTransport, Query } from './transport.ts'
import { validate } from './transport.ts'
import type { DialOptions } from './websocket-stream.ts'

interface SseEvent {
  event: string
  data: string
}

/**
 * Opens one of Coder's server-sent-event streams (`event: ping|data|error`, one JSON `data:` line)
 * and resolves once the response headers arrived. A non-200 answer rejects with its CoderApiError;
 * `event: error` fails the stream with Coder's message; `data` frames are validated against `schema`.
 */
export async function openSseStream<S extends z.ZodType>(
  transport: CoderTransport,
  path: string,
  query: Query,
  schema: S,
  options: DialOptions = {},
): Promise<CoderStream<z.infer<S>>> {
  options.signal?.throwIfAborted()
  const url = transport.url(path, query)
  const endpoint = `GET ${url.pathname}`
  const controller = new AbortController()
  const onAbort = () => controller.abort(options.signal?.reason)
  options.signal?.addEventListener('abort', onAbort, { once: true })
  const dialTimer = setTimeout(
    () => controller.abort(new Error(`no response within ${options.dialTimeoutMs ?? 30_000} ms`)),
    options.dialTimeoutMs ?? 30_000,
  )
  let response: Dispatcher.ResponseData
  try {
    response = await request(url, {
      method: 'GET',
      headers: { ...transport.headers(), accept: 'text/event-stream' },
      signal: controller.signal,
      dispatcher: transport.dispatcher,
    })
  } catch (error) {
    options.signal?.removeEventListener('abort', onAbort)
    throw options.signal?.aborted ? options.signal.reason : new CoderRequestError('GET', url.pathname, error)
  } finally {
    clearTimeout(dialTimer)
  }
  if (response.statusCode !== 200) {
    options.signal?.removeEventListener('abort', onAbort)
    const text = await response.body.text().catch(() => '')
    throw transport.apiError('GET', url.pathname, response.statusCode, text)
  }

  let closedByUs = false
  const close = async (): Promise<void> => {
    closedByUs = true
    options.signal?.removeEventListener('abort', onAbort)
    if (!controller.signal.aborted) controller.abort()
  }
  const queue = new AsyncQueue<z.infer<S>>(() => void close())
  const onEvent = (event: SseEvent): void => {
    if (event.event === 'ping') return
    if (event.event === 'error') {
      const body = errorBodySchema.safeParse(safeJson(event.data))
      const message = body.success && body.data.message ? body.data.message : event.data
      const detail = body.success && body.data.detail ? ` (${body.data.detail})` : ''
      throw new CoderStreamError(endpoint, `server sent error: ${message}${detail}`)
    }
    if (event.event !== 'data') return
    const value = safeJson(event.data)
    if (value === undefined) throw new CoderStreamError(endpoint, 'data event is not JSON')
    queue.push(validate(schema, endpoint, value))
  }

  void (async () => {
    try {
      for await (const event of parseSse(response.body)) onEvent(event)
      queue.end()
    } catch (error) {
      if (closedByUs) queue.end()
      else if (options.signal?.aborted) queue.fail(options.signal.reason)
      else if (error instanceof CoderStreamError || error instanceof CoderResponseShapeError)
        queue.fail(error)
      else
        queue.fail(
          new CoderStreamError(endpoint, `stream broke: ${(error as Error).message}`, { cause: error }),
        )
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
      if (!controller.signal.aborted) controller.abort()
    }
  })()
  return new CoderStream(endpoint, queue, close)
}

/** Splits a text/event-stream body into events (fields `event` and `data`; comments ignored). */
export async function* parseSse(
  body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder()
  let buffer = ''
  let event = ''
  let data: string[] = []
  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    let newline = buffer.indexOf('\n')
    while (newline !== -1) {
      const line = buffer.slice(0, newline).replace(/\r$/, '')
      buffer = buffer.slice(newline + 1)
      newline = buffer.indexOf('\n')
      if (line === '') {
        if (event !== '' || data.length > 0) yield { event: event || 'message', data: data.join('\n') }
        event = ''
        data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
