// One bounded connection pool shared by many clients, for high fan-out pollers: 2,000 pollers share
// `connections` sockets per origin instead of opening thousands (no port exhaustion).

import { Agent } from 'undici'

import { HttpClient, type HttpClientOptions } from './http-client.ts'

export interface SharedHttpPoolOptions {
  /** Maximum connections per origin. Default 16. */
  connections?: number
  /** How long an idle connection stays open. Default 10 s. */
  keepAliveTimeoutMs?: number
}

export class SharedHttpPool {
  readonly agent: Agent
  readonly connections: number

  constructor(options: SharedHttpPoolOptions = {}) {
    this.connections = options.connections ?? 16
    this.agent = new Agent({
      connections: this.connections,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    })
  }

  /** A client that sends over this pool; closing the client leaves the pool open. */
  client(options: Omit<HttpClientOptions, 'dispatcher' | 'connections'> = {}): HttpClient {
    return new HttpClient({ ...options, dispatcher: this.agent })
  }

  async close(): Promise<void> {
    await this.agent.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
