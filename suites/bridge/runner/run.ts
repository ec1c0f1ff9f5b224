// One bridge runner per concurrent user (Coder: scaletest/bridge/run.go, strategy.go). Bridge mode
// creates the runner's user and sends its session token as `Authorization: Bearer` to coderd's AI
// Bridge; direct mode posts to the upstream URL without a user. Requests are sequential; a failed
// one is counted and the runner goes on, and fails at the end if any failed.

import { randomBytes } from 'node:crypto'

import type { CoderClient, HttpResponse, Runner, User } from '@scaletest/vitest'
import { formatDuration } from '@scaletest/vitest'
import { type BridgeConfig, type BridgeKind, KIND_PATHS } from '../config.ts'
import type { BridgeMetrics } from './metrics.ts'

export interface BridgeRunnerConfig {
  config: BridgeConfig
  /** The shared, pre-serialised request body (Coder's PrepareRequestBody). */
  body: string
  /** Bridge mode: the organization users join, and a tag unique to this run for their names. */
  organizationId?: string
  runTag: string
}

export interface BridgeRunnerDeps {
  /** The owner's client: creates and deletes bridge-mode users. */
  owner: CoderClient
  metrics: BridgeMetrics
}

// A content event of each kind's stream: what "first token" means for time to first token.
const CONTENT_EVENT: Record<BridgeKind, RegExp> = {
  completions: /"delta":\{[^}]*"(content|tool_calls)":(?!null)/,
  responses: /response\.(output_text|function_call_arguments)\.delta/,
  messages: /content_block_delta/,
}

export function bridgeRunner(setup: BridgeRunnerConfig, deps: BridgeRunnerDeps) {
  const { config } = setup
  let user: User | undefined
  let requestCount = 0
  let successCount = 0
  let failureCount = 0
  let totalDurationMs = 0
  let totalTokens = 0

  return {
    async run({ id, signal, log, http }) {
      let url = config.upstreamUrl
      let token = ''
      if (config.mode === 'bridge') {
        token = await createUserAndLogIn(id, signal).catch((cause: unknown) => {
          deps.metrics.addError('create_user')
          throw new Error(`create user: ${(cause as Error).message}`, { cause })
        })
        log(`runner user created: ${user!.username}`)
        url = new URL(KIND_PATHS[config.kind].bridge, deps.owner.url).href
      }
      log(`bridge runner is ready: ${config.mode} mode, ${config.requestCount} request(s) to ${url}`)
      // Its own connections; the per-request timeout is Coder's --http-timeout, over the whole body.
      const client = http({ timeoutMs: 0, retry: false, ...(token && { secrets: [token] }) })
      for (let i = 0; i < config.requestCount; i++) {
        signal.throwIfAborted()
        try {
          await makeRequest(url, token, i, signal)
        } catch (error) {
          if (signal.aborted) throw error
          log(`bridge request ${i + 1} failed: ${(error as Error).message}`)
          deps.metrics.addError('request')
          deps.metrics.addRequest('failure')
          failureCount++
          continue
        }
        successCount++
        requestCount++
        deps.metrics.addRequest('success')
      }
      log(`bridge runner completed: ${requestCount} request(s), ${successCount} ok, ${failureCount} failed`)
      if (failureCount > 0)
        throw new Error(`bridge runner failed: ${failureCount} out of ${config.requestCount} requests failed`)

      async function makeRequest(target: string, bearer: string, n: number, runSignal: AbortSignal) {
        const started = performance.now()
        const requestSignal = AbortSignal.any([runSignal, AbortSignal.timeout(config.httpTimeoutMs)])
        const res = await client.request(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(bearer && { authorization: `Bearer ${bearer}` }),
          },
          body: setup.body,
          signal: requestSignal,
        })
        // Coder's duration: to the response headers, streamed or not.
        const durationMs = performance.now() - started
        totalDurationMs += durationMs
        deps.metrics.observeDuration(durationMs / 1000)
        if (res.statusCode !== 200) {
          const text = await res.body
            .text()
            .catch((e: Error) => `<failed to read response body: ${e.message}>`)
          throw new Error(`request ${n + 1} failed with status ${res.statusCode}: ${text.slice(0, 500)}`)
        }
        if (config.stream) await drainStream(res, started)
        else await readUsage(res)
      }
    },

    async cleanup({ signal, log }) {
      if (!user || config.noCleanup) return
      await deps.owner.deleteUser(user.id, signal)
      log(`deleted user ${user.username}`)
    },

    /** Coder's GetMetrics. */
    metrics() {
      return {
        request_count: requestCount,
        success_count: successCount,
        failure_count: failureCount,
        total_duration: formatDuration(totalDurationMs),
        avg_duration: formatDuration(requestCount > 0 ? totalDurationMs / requestCount : 0),
        total_tokens: totalTokens,
      }
    },
  } satisfies Runner

  /** Coder's createusers runner: a user in the owner's first organization, then a login. */
  async function createUserAndLogIn(id: string, signal: AbortSignal): Promise<string> {
    const password = randomBytes(12).toString('base64url')
    const name = `${setup.runTag}-${id}`
    user = await deps.owner.createUser(
      {
        username: `scaletest-${name}`,
        email: `${name}@scaletest.local`,
        password,
        login_type: 'password',
        organization_ids: setup.organizationId ? [setup.organizationId] : [],
      },
      signal,
    )
    const { session_token } = await deps.owner.login({ email: user.email, password }, signal)
    return session_token
  }

  /** Drains the stream (Coder reads it to EOF); we also time the first content event and the end. */
  async function drainStream(res: HttpResponse, started: number): Promise<void> {
    const pattern = CONTENT_EVENT[config.kind]
    const decoder = new TextDecoder()
    let sawContent = false
    let tail = ''
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (sawContent) continue
      const text = tail + decoder.decode(chunk, { stream: true })
      if (pattern.test(text)) {
        sawContent = true
        deps.metrics.observeTimeToFirstToken((performance.now() - started) / 1000)
      }
      tail = text.slice(-256)
    }
    deps.metrics.observeStreamDuration((performance.now() - started) / 1000)
  }

  /** Decodes the answer's usage as Coder does for each kind and counts its tokens. */
  async function readUsage(res: HttpResponse): Promise<void> {
    let answer: { usage?: Record<string, number> }
    try {
      answer = (await res.body.json()) as typeof answer
    } catch (error) {
      throw new Error(`decode response: ${(error as Error).message}`)
    }
    const usage = answer?.usage ?? {}
    const input = config.kind === 'completions' ? usage.prompt_tokens : usage.input_tokens
    const output = config.kind === 'completions' ? usage.completion_tokens : usage.output_tokens
    const total = config.kind === 'messages' ? (input ?? 0) + (output ?? 0) : (usage.total_tokens ?? 0)
    if (total > 0) {
      totalTokens += total
      deps.metrics.addTokens('input', input ?? 0)
      deps.metrics.addTokens('output', output ?? 0)
    }
  }
}
