import { type CoderdSimulatorOptions, startCoderdSimulator } from '@scaletest/mocks'
import { CoderClient } from './client.ts'
import type { Organization } from './schemas.ts'
import { createTar } from './tar.ts'

// Test-only: a coderd simulator on 127.0.0.1 with a first user, and an owner client for it.

export const OWNER = { email: 'owner@scaletest.local', username: 'owner', password: 'owner-password-1' }

export interface SimulatorSession {
  url: string
  owner: CoderClient
  org: Organization
  close(): Promise<void>
}

export async function startSimulatorSession(options: CoderdSimulatorOptions = {}): Promise<SimulatorSession> {
  const sim = await startCoderdSimulator({ firstUser: OWNER, jobDurationMs: 30, ...options })
  try {
    const anonymous = new CoderClient({ url: sim.url })
    const owner = await anonymous.loginAs(OWNER)
    const org = await owner.defaultOrganization()
    return { url: sim.url, owner, org, close: () => sim.close() }
  } catch (error) {
    await sim.close()
    throw error
  }
}

let counter = 0

/** Creates a user with the given site roles and returns a client logged in as them. */
export async function createUserClient(session: SimulatorSession, roles: string[] = [], prefix = 'user') {
  counter += 1
  const username = `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`
  const password = `pw-${username}`
  const email = `${username}@scaletest.local`
  const user = await session.owner.createUser({
    email,
    username,
    password,
    login_type: 'password',
    organization_ids: [session.org.id],
  })
  if (roles.length > 0) await session.owner.updateUserRoles(user.id, roles)
  const client = await session.owner.loginAs({ email, password })
  return { user, client, email }
}

/** Uploads an empty-ish tar, imports an echo version and creates a template from it. */
export async function createEchoTemplate(client: CoderClient, orgId: string, name: string) {
  const { hash } = await client.uploadFile(createTar([{ name: 'main.tf', content: '# echo\n' }]))
  const version = await client.createTemplateVersion(orgId, { file_id: hash, provisioner: 'echo' })
  await client.waitForTemplateVersionJob(version.id, { intervalMs: 20, timeoutMs: 10_000 })
  return client.createTemplate(orgId, { name, template_version_id: version.id })
}
