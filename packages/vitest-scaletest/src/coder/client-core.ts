import { inspect } from 'node:util'

import { Agent, type Dispatcher } from 'undici'

import type {
  CreateFirstUserRequest,
  CreateTokenRequest,
  CreateUserRequest,
  ListQuery,
  LoginRequest,
  SiteRole,
} from './requests.ts'
import * as s from './schemas.ts'
import { CoderTransport, type TransportOptions } from './transport.ts'

export type CoderClientOptions = TransportOptions

export interface DeriveOptions {
  /** `shared` (default): this client's dispatcher; `isolated`: a new Agent the new client owns and closes; or your own. */
  dispatcher?: 'shared' | 'isolated' | Dispatcher
}

export const API = '/api/v2'
export const seg = encodeURIComponent
export const signalOnly = (signal?: AbortSignal) => (signal ? { signal } : {})

/**
 * Transport handling plus auth, users, roles, organizations and tokens (codersdk).
 * Use CoderClient, which adds the other areas on top of this.
 */
export class CoderClientCore implements AsyncDisposable {
  protected transport: CoderTransport
  #owned: Dispatcher | undefined

  constructor(options: CoderClientOptions) {
    this.transport = new CoderTransport(options)
  }

  get url(): string {
    return this.transport.baseUrl.href
  }

  get dispatcher(): Dispatcher | undefined {
    return this.transport.dispatcher
  }

  get hasSessionToken(): boolean {
    return this.transport.hasSessionToken
  }

  /** A client for another user (same URL and headers); shares this dispatcher unless told otherwise. */
  withSessionToken(sessionToken: string, options: DeriveOptions = {}): this {
    const choice = options.dispatcher ?? 'shared'
    const owned = choice === 'isolated' ? new Agent() : undefined
    const dispatcher = choice === 'shared' ? this.transport.dispatcher : (owned ?? (choice as Dispatcher))
    const Client = this.constructor as new (options: CoderClientOptions) => this
    const client = new Client({ url: this.transport.baseUrl })
    client.transport = this.transport.derive(sessionToken, dispatcher)
    client.#owned = owned
    return client
  }

  /**
   * The same user over its own connections (Coder's DupClientCopyingHeaders): each runner of a
   * scenario gets one, so load spreads over replicas (coder/coder#21288). Close it when done.
   */
  duplicate(): this {
    const owned = new Agent()
    const Client = this.constructor as new (options: CoderClientOptions) => this
    const client = new Client({ url: this.transport.baseUrl })
    client.transport = this.transport.withDispatcher(owned)
    client.#owned = owned
    return client
  }

  /** Logs in and returns a client acting as that user. */
  async loginAs(
    credentials: LoginRequest,
    options: DeriveOptions & { signal?: AbortSignal } = {},
  ): Promise<this> {
    const { session_token } = await this.login(credentials, options.signal)
    return this.withSessionToken(session_token, options)
  }

  /** Closes a dispatcher this client created (`isolated`); a shared or caller-owned one stays open. */
  async close(): Promise<void> {
    const owned = this.#owned
    this.#owned = undefined
    await owned?.close()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  [inspect.custom](): string {
    return `CoderClient { url: '${this.url}', sessionToken: ${this.hasSessionToken ? '[redacted]' : 'none'} }`
  }

  toJSON(): { url: string } {
    return { url: this.url }
  }

  // Auth, users, organizations, tokens (§2)

  buildInfo(signal?: AbortSignal): Promise<s.BuildInfo> {
    return this.transport.json(s.buildInfoSchema, 'GET', `${API}/buildinfo`, { anonymous: true, signal })
  }

  async hasFirstUser(signal?: AbortSignal): Promise<boolean> {
    const res = await this.transport.send('GET', `${API}/users/first`, {
      anonymous: true,
      ok: [200, 404],
      signal,
    })
    return res.status === 200
  }

  createFirstUser(req: CreateFirstUserRequest, signal?: AbortSignal): Promise<s.CreateFirstUserResponse> {
    const json = { trial: false, ...req }
    return this.transport.json(s.createFirstUserResponseSchema, 'POST', `${API}/users/first`, {
      anonymous: true,
      json,
      signal,
    })
  }

  login(req: LoginRequest, signal?: AbortSignal): Promise<s.LoginResponse> {
    const json = { email: req.email, password: req.password } // only these: Coder rejects unknown fields
    return this.transport.json(s.loginResponseSchema, 'POST', `${API}/users/login`, {
      anonymous: true,
      json,
      signal,
    })
  }

  me(signal?: AbortSignal): Promise<s.User> {
    return this.user('me', signal)
  }

  /** By id, username or `me`. */
  user(user: string, signal?: AbortSignal): Promise<s.User> {
    return this.transport.json(s.userSchema, 'GET', `${API}/users/${seg(user)}`, { signal })
  }

  listUsers(query: ListQuery = {}, signal?: AbortSignal): Promise<s.UsersResponse> {
    return this.transport.json(s.usersResponseSchema, 'GET', `${API}/users`, { query: { ...query }, signal })
  }

  createUser(req: CreateUserRequest, signal?: AbortSignal): Promise<s.User> {
    return this.transport.json(s.userSchema, 'POST', `${API}/users`, { json: req, signal })
  }

  deleteUser(user: string, signal?: AbortSignal): Promise<{ message: string }> {
    return this.transport.json(s.messageResponseSchema, 'DELETE', `${API}/users/${seg(user)}`, { signal })
  }

  /** Replaces the user's site roles (`member` is implicit; `[]` removes all). */
  updateUserRoles(user: string, roles: SiteRole[], signal?: AbortSignal): Promise<s.User> {
    return this.transport.json(s.userSchema, 'PUT', `${API}/users/${seg(user)}/roles`, {
      json: { roles },
      signal,
    })
  }

  organizations(signal?: AbortSignal): Promise<s.Organization[]> {
    return this.transport.json(s.organizationSchema.array(), 'GET', `${API}/organizations`, { signal })
  }

  /** By id, name or `default`. */
  organization(org: string, signal?: AbortSignal): Promise<s.Organization> {
    return this.transport.json(s.organizationSchema, 'GET', `${API}/organizations/${seg(org)}`, { signal })
  }

  defaultOrganization(signal?: AbortSignal): Promise<s.Organization> {
    return this.organization('default', signal)
  }

  createToken(
    req: CreateTokenRequest = {},
    user = 'me',
    signal?: AbortSignal,
  ): Promise<s.GenerateTokenResponse> {
    const json = { lifetime: 0, scope: 'all', ...req }
    return this.transport.json(
      s.generateTokenResponseSchema,
      'POST',
      `${API}/users/${seg(user)}/keys/tokens`,
      {
        json,
        signal,
      },
    )
  }
}
