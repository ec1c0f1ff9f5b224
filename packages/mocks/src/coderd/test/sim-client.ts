// Test helper: a thin fetch wrapper over a running simulator, and fixtures for users and templates.

import type { CoderdSimulatorOptions } from '../options.ts'
import { type CoderdSimulator, startCoderdSimulator } from '../simulator.ts'
import { tarOf } from './tar.ts'

// biome-ignore lint/suspicious/noExplicitAny: response bodies in tests are checked by expect(), not by types
export type Json = any

export interface Reply<T = Json> {
  status: number
  body: T
  headers: Headers
}

export const OWNER = { email: 'owner@example.com', username: 'owner', password: 'owner-password-1' }

export class SimClient {
  readonly url: string
  token: string | undefined

  constructor(url: string, token?: string) {
    this.url = url
    this.token = token
  }

  async call<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(this.token && { 'Coder-Session-Token': this.token }),
        ...(body !== undefined &&
          typeof body !== 'string' &&
          !(body instanceof Uint8Array) && { 'content-type': 'application/json' }),
        ...headers,
      },
      body:
        body === undefined
          ? undefined
          : typeof body === 'string' || body instanceof Uint8Array
            ? body
            : JSON.stringify(body),
    })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {}
    return { status: response.status, body: parsed as T, headers: response.headers }
  }

  async ok<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const reply = await this.call<T>(method, path, body, headers)
    if (reply.status >= 300)
      throw new Error(`${method} ${path} → ${reply.status} ${JSON.stringify(reply.body)}`)
    return reply.body
  }

  as(token: string): SimClient {
    return new SimClient(this.url, token)
  }
}

export interface Fixture {
  sim: CoderdSimulator
  owner: SimClient
  orgId: string
  ownerId: string
}

/** Starts a simulator with an owner, logged in. */
export async function startFixture(options: CoderdSimulatorOptions = {}): Promise<Fixture> {
  const sim = await startCoderdSimulator({
    firstUser: OWNER,
    notifyUserEvents: false,
    jobDurationMs: 20,
    dispatchDelayMs: 10,
    ...options,
  })
  const anon = new SimClient(sim.url)
  const { session_token } = await anon.ok('POST', '/api/v2/users/login', {
    email: OWNER.email,
    password: OWNER.password,
  })
  const owner = anon.as(session_token)
  const me = await owner.ok('GET', '/api/v2/users/me')
  return { sim, owner, orgId: me.organization_ids[0], ownerId: me.id }
}

let counter = 0

/** Creates a user (optionally with site roles) and returns a client logged in as them. */
export async function createUser(
  f: Fixture,
  roles: string[] = [],
  name = `user-${++counter}`,
): Promise<{ client: SimClient; id: string; username: string; email: string }> {
  const email = `${name}@example.com`
  const user = await f.owner.ok('POST', '/api/v2/users', {
    email,
    username: name,
    password: 'user-password-1',
    organization_ids: [f.orgId],
  })
  if (roles.length > 0) await f.owner.ok('PUT', `/api/v2/users/${user.id}/roles`, { roles })
  const { session_token } = await f.owner.ok('POST', '/api/v2/users/login', {
    email,
    password: 'user-password-1',
  })
  return { client: f.owner.as(session_token), id: user.id, username: name, email }
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Uploads an empty tar, imports an echo version and waits for its job to succeed. */
export async function importVersion(
  client: SimClient,
  orgId: string,
  tags: Record<string, string> = {},
): Promise<Json> {
  const { hash } = await client.ok('POST', '/api/v2/files', new Uint8Array(), {
    'content-type': 'application/x-tar',
  })
  const version = await client.ok('POST', `/api/v2/organizations/${orgId}/templateversions`, {
    storage_method: 'file',
    provisioner: 'echo',
    file_id: hash,
    tags,
  })
  return waitFor(async () => {
    const v = await client.ok('GET', `/api/v2/templateversions/${version.id}`)
    return v.job.status === 'succeeded' ? v : undefined
  })
}

export async function createTemplate(client: SimClient, orgId: string, name: string): Promise<Json> {
  const version = await importVersion(client, orgId)
  return client.ok('POST', `/api/v2/organizations/${orgId}/templates`, {
    name,
    template_version_id: version.id,
  })
}

/** Imports a terraform template from `files` (e.g. its main.tf): the template and its succeeded version. */
export async function terraformTemplate(
  client: SimClient,
  orgId: string,
  name: string,
  files: Record<string, string>,
): Promise<{ template: Json; version: Json }> {
  const { hash } = await client.ok('POST', '/api/v2/files', tarOf(files), {
    'content-type': 'application/x-tar',
  })
  const created = await client.ok('POST', `/api/v2/organizations/${orgId}/templateversions`, {
    storage_method: 'file',
    provisioner: 'terraform',
    file_id: hash,
  })
  const version = await waitFor(async () => {
    const v = await client.ok('GET', `/api/v2/templateversions/${created.id}`)
    return v.job.status === 'succeeded' ? v : undefined
  })
  const template = await client.ok('POST', `/api/v2/organizations/${orgId}/templates`, {
    name,
    template_version_id: version.id,
  })
  return { template, version }
}
