// The fast path: a plain node:http request listener that plays engine outcomes. A streamed answer
// with no pacing goes out as one write (headers, every event and the chunked terminator together).
import type { IncomingMessage, ServerResponse } from 'node:http'

import type { LlmMockEngine, MockRequest } from './engine.ts'
import type { LlmMockMetrics } from './metrics.ts'
import type { Outcome } from './outcome.ts'

/** Delay between the last bytes and the reset, so the client reads what was sent before the RST. */
const RESET_GRACE_MS = 20

export function createLlmRequestListener(engine: LlmMockEngine) {
  const maxBody = engine.options.maxBodyBytes
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now()
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const request: MockRequest = {
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      search: q < 0 ? '' : url.slice(q),
      headers: req.headers,
      body: undefined,
    }
    const fail = (error: Error) => {
      if (res.headersSent) res.destroy()
      else
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `mock failed: ${error.message}` } }))
    }
    const dispatch = () => {
      try {
        const outcome = engine.handle(request)
        if (outcome instanceof Promise) outcome.then((o) => play(res, o, started, engine.metrics), fail)
        else play(res, outcome, started, engine.metrics)
      } catch (error) {
        fail(error as Error)
      }
    }
    if (Number(req.headers['content-length']) > maxBody) {
      request.bodyTooLarge = true
      res.shouldKeepAlive = false
      dispatch()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBody) request.bodyTooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => {
      if (size > 0 && !request.bodyTooLarge)
        request.body = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')
      if (request.bodyTooLarge) res.shouldKeepAlive = false
      dispatch()
    })
    req.on('error', () => res.destroy())
  }
}

function play(res: ServerResponse, outcome: Outcome, started: number, metrics: LlmMockMetrics): void {
  const { bursts, endpoint } = outcome
  const only = bursts[0]
  if (bursts.length === 1 && only!.delayMs === 0 && outcome.end === 'end') {
    // The common case, answered in one write: nothing to time, cancel or count as in progress.
    const length = Buffer.byteLength(only!.data)
    res.writeHead(
      outcome.status,
      outcome.stream ? outcome.headers : { ...outcome.headers, 'content-length': length },
    )
    metrics.firstByte(endpoint, (performance.now() - started) / 1000)
    metrics.bytes(endpoint, length)
    res.end(only!.data, outcome.release)
    return
  }
  let index = 0
  let waited = false
  let streaming = false
  let timer: NodeJS.Timeout | undefined
  res.once('close', () => {
    clearTimeout(timer)
    if (streaming) metrics.streamEnded(endpoint)
  })

  const write = (data: string | Uint8Array, last: boolean) => {
    if (!res.headersSent) {
      const headers = outcome.stream
        ? outcome.headers
        : { ...outcome.headers, 'content-length': String(Buffer.byteLength(data)) }
      res.writeHead(outcome.status, headers)
      metrics.firstByte(endpoint, (performance.now() - started) / 1000)
      if (outcome.stream) {
        streaming = true
        metrics.streamStarted(endpoint)
      }
    }
    metrics.bytes(endpoint, Buffer.byteLength(data))
    if (last && outcome.end === 'end') res.end(data, outcome.release)
    else res.write(data)
  }

  const reset = () => {
    const socket = res.socket
    if (!socket || socket.destroyed) return
    if (bursts.length === 0) socket.resetAndDestroy()
    else timer = setTimeout(() => socket.destroyed || socket.resetAndDestroy(), RESET_GRACE_MS)
  }

  const next = (): void => {
    while (index < bursts.length) {
      if (res.destroyed) return
      const burst = bursts[index]!
      if (burst.delayMs > 0 && !waited) {
        waited = true
        timer = setTimeout(next, burst.delayMs)
        return
      }
      waited = false
      index++
      write(burst.data, index === bursts.length)
    }
    if (outcome.end === 'reset') reset()
  }
  next()
}
