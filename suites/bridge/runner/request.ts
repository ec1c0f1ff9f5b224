// One bridge request as Coder's runner makes it (scaletest/bridge/run.go makeRequest): POST the shared
// body with the bearer token, time it to the response headers, then decode usage or drain the stream.
// Keeps the counts of Coder's per-run metrics.

import type { HttpClient, HttpResponse } from '@scaletest/vitest'
import { formatDuration } from '@scaletest/vitest'
import type { BridgeConfig, BridgeKind } from '../config.ts'
import type { BridgeMetrics } from './metrics.ts'

// A content event of each kind's stream: what "first token" means for time to first token.
const CONTENT_EVENT: Record<BridgeKind, RegExp> = {
  completions: /"delta":\{[^}]*"(content|tool_calls)":(?!null)/,
  responses: /response\.(output_text|function_call_arguments)\.delta/,
  messages: /content_block_delta/,
}

export class BridgeRequester {
  requestCount = 0
  successCount = 0
  failureCount = 0
  totalDurationMs = 0
  totalTokens = 0
  readonly #config: BridgeConfig
  readonly #body: string
  readonly #metrics: BridgeMetrics

  constructor(config: BridgeConfig, body: string, metrics: BridgeMetrics) {
    this.#config = config
    this.#body = body
    this.#metrics = metrics
  }

  /**
   * Sends one request and counts it. A failure is counted and returned as an Error (Coder goes on
   * after one); an abort of `signal` is thrown.
   */
  async attempt(
    client: HttpClient,
    url: string,
    token: string,
    signal: AbortSignal,
  ): Promise<Error | undefined> {
    signal.throwIfAborted()
    try {
      await this.#send(client, url, token, signal)
    } catch (error) {
      if (signal.aborted) throw error
      this.#metrics.addError('request')
      this.#metrics.addRequest('failure')
      this.failureCount++
      return error as Error
    }
    this.successCount++
    this.requestCount++
    this.#metrics.addRequest('success')
    return undefined
  }

  /** Coder's GetMetrics. */
  runMetrics() {
    return {
      request_count: this.requestCount,
      success_count: this.successCount,
      failure_count: this.failureCount,
      total_duration: formatDuration(this.totalDurationMs),
      avg_duration: formatDuration(this.requestCount > 0 ? this.totalDurationMs / this.requestCount : 0),
      total_tokens: this.totalTokens,
    }
  }

  async #send(client: HttpClient, url: string, token: string, signal: AbortSignal): Promise<void> {
    const started = performance.now()
    // Coder's --http-timeout bounds the whole request, a streamed body included.
    const requestSignal = AbortSignal.any([signal, AbortSignal.timeout(this.#config.httpTimeoutMs)])
    const res = await client.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: this.#body,
      signal: requestSignal,
    })
    // Coder's duration: to the response headers, streamed or not, any status.
    const durationMs = performance.now() - started
    this.totalDurationMs += durationMs
    this.#metrics.observeDuration(durationMs / 1000)
    if (res.statusCode !== 200) {
      const text = await res.body.text().catch((e: Error) => `<failed to read response body: ${e.message}>`)
      throw new Error(`request failed with status ${res.statusCode}: ${text.slice(0, 500)}`)
    }
    if (this.#config.stream) await this.#drainStream(res, started)
    else await this.#readUsage(res)
  }

  /** Drains the stream (Coder reads it to EOF); we also time the first content event and the end. */
  async #drainStream(res: HttpResponse, started: number): Promise<void> {
    const pattern = CONTENT_EVENT[this.#config.kind]
    const decoder = new TextDecoder()
    let sawContent = false
    let tail = ''
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (sawContent) continue
      const text = tail + decoder.decode(chunk, { stream: true })
      if (pattern.test(text)) {
        sawContent = true
        this.#metrics.observeTimeToFirstToken((performance.now() - started) / 1000)
      }
      tail = text.slice(-256)
    }
    this.#metrics.observeStreamDuration((performance.now() - started) / 1000)
  }

  /** Decodes the answer's usage as Coder does for each kind and counts its tokens. */
  async #readUsage(res: HttpResponse): Promise<void> {
    let answer: { usage?: Record<string, number> }
    try {
      answer = (await res.body.json()) as typeof answer
    } catch (error) {
      throw new Error(`decode response: ${(error as Error).message}`)
    }
    const kind = this.#config.kind
    const usage = answer?.usage ?? {}
    const input = (kind === 'completions' ? usage.prompt_tokens : usage.input_tokens) ?? 0
    const output = (kind === 'completions' ? usage.completion_tokens : usage.output_tokens) ?? 0
    const total = kind === 'messages' ? input + output : (usage.total_tokens ?? 0)
    if (total > 0) {
      this.totalTokens += total
      this.#metrics.addTokens('input', input)
      this.#metrics.addTokens('output', output)
    }
  }
}
