import { createServer } from 'node:http'

import { listen, urlHost } from '../shared/listen.ts'
import { LlmMockEngine } from './engine.ts'
import type { JournalEntry } from './journal.ts'
import { createLlmRequestListener } from './node-listener.ts'
import type { LlmMockOptions } from './options.ts'

export interface StartedLlmMock {
  /** Base URL without `/v1`, e.g. http://127.0.0.1:18080. */
  url: string
  host: string
  port: number
  engine: LlmMockEngine
  /** Requests recorded by the journal, oldest first, secrets redacted. */
  requests(filter?: { endpoint?: string; limit?: number }): JournalEntry[]
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/** Starts the LLM mock on a real port (127.0.0.1 and a free port unless told otherwise). */
export async function startLlmMock(options: LlmMockOptions = {}): Promise<StartedLlmMock> {
  const engine = new LlmMockEngine(options)
  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, createLlmRequestListener(engine))
  const listening = await listen(server, { host: engine.options.host, port: engine.options.port })
  return {
    url: `http://${urlHost(listening.host)}:${listening.port}`,
    host: listening.host,
    port: listening.port,
    engine,
    requests: (filter) => engine.journal.list(filter),
    close: listening.close,
    [Symbol.asyncDispose]: listening.close,
  }
}
