import { randomUUID } from 'node:crypto'

import { AgentStore } from './agents/store.ts'
import type {
  BuildRecord,
  FileRecord,
  InboxNotificationRecord,
  JobRecord,
  OrganizationRecord,
  TemplateRecord,
  TemplateVersionRecord,
  TokenRecord,
  UserRecord,
  WorkspaceRecord,
} from './records.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: string): boolean {
  return UUID.test(value)
}

export function now(): string {
  return new Date().toISOString()
}

/** The whole simulated deployment, indexed for the lookups the handlers do on every request. */
export class SimState {
  readonly users = new Map<string, UserRecord>()
  readonly usersByUsername = new Map<string, UserRecord>()
  readonly usersByEmail = new Map<string, UserRecord>()
  readonly tokens = new Map<string, TokenRecord>()
  readonly organizations = new Map<string, OrganizationRecord>()
  readonly files = new Map<string, FileRecord>()
  readonly jobs = new Map<string, JobRecord>()
  readonly templateVersions = new Map<string, TemplateVersionRecord>()
  readonly templates = new Map<string, TemplateRecord>()
  readonly workspaces = new Map<string, WorkspaceRecord>()
  readonly builds = new Map<string, BuildRecord>()
  /** Per-user inbox, oldest first. */
  readonly inbox = new Map<string, InboxNotificationRecord[]>()
  /** Workspace agents and build resources (agents/). */
  readonly agents = new AgentStore()
  readonly deploymentId = randomUUID()
  notifierPaused = false
  #sortedUsers: UserRecord[] | undefined
  readonly defaultOrganization: OrganizationRecord

  constructor() {
    const createdAt = now()
    this.defaultOrganization = {
      id: randomUUID(),
      name: 'coder',
      displayName: 'Coder',
      description: 'Builtin default organization.',
      icon: '',
      isDefault: true,
      createdAt,
      updatedAt: createdAt,
      memberRoles: new Map(),
    }
    this.organizations.set(this.defaultOrganization.id, this.defaultOrganization)
  }

  addUser(user: UserRecord): void {
    this.#sortedUsers = undefined
    this.users.set(user.id, user)
    this.usersByUsername.set(user.username.toLowerCase(), user)
    this.usersByEmail.set(user.email.toLowerCase(), user)
    for (const orgId of user.organizationIds) this.organizations.get(orgId)?.memberRoles.set(user.id, [])
  }

  removeUser(user: UserRecord): void {
    this.#sortedUsers = undefined
    this.users.delete(user.id)
    this.usersByUsername.delete(user.username.toLowerCase())
    this.usersByEmail.delete(user.email.toLowerCase())
    for (const org of this.organizations.values()) org.memberRoles.delete(user.id)
    for (const [secret, token] of this.tokens) if (token.userId === user.id) this.tokens.delete(secret)
    this.inbox.delete(user.id)
  }

  /** Users by username, as Coder lists them; cached until the next add or remove. */
  sortedUsers(): UserRecord[] {
    this.#sortedUsers ??= [...this.users.values()].sort((a, b) =>
      a.username < b.username ? -1 : a.username > b.username ? 1 : 0,
    )
    return this.#sortedUsers
  }

  /** `me` is resolved by the caller; this takes an id or a username. */
  findUser(ref: string): UserRecord | undefined {
    return isUuid(ref) ? this.users.get(ref.toLowerCase()) : this.usersByUsername.get(ref.toLowerCase())
  }

  /** An id, a name, or the literal `default`. */
  findOrganization(ref: string): OrganizationRecord | undefined {
    if (ref === 'default') return this.defaultOrganization
    if (isUuid(ref)) return this.organizations.get(ref.toLowerCase())
    for (const org of this.organizations.values()) if (org.name === ref) return org
    return undefined
  }

  templateByName(organizationId: string, name: string): TemplateRecord | undefined {
    for (const template of this.templates.values())
      if (template.organizationId === organizationId && template.name === name) return template
    return undefined
  }

  liveWorkspacesOfTemplate(templateId: string): number {
    let count = 0
    for (const workspace of this.workspaces.values())
      if (!workspace.deleted && workspace.templateId === templateId) count++
    return count
  }

  liveWorkspacesOfUser(userId: string): number {
    let count = 0
    for (const workspace of this.workspaces.values())
      if (!workspace.deleted && workspace.ownerId === userId) count++
    return count
  }

  latestBuild(workspace: WorkspaceRecord): BuildRecord {
    return this.builds.get(workspace.latestBuildId)!
  }

  jobOf(build: { jobId: string }): JobRecord {
    return this.jobs.get(build.jobId)!
  }
}
