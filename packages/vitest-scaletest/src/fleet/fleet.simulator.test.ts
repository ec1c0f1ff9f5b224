import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type SimulatorSession, startSimulatorSession } from '../coder/simulator-setup.ts'
import { cleanupScaletest } from './cleanup.ts'
import { buildFleet } from './fleet.ts'
import { isScaletestUser } from './naming.ts'
import { parseTargetRange, sliceTargets } from './targets.ts'
import { createAgentTemplate } from './template.ts'
import { clientFor, createScaletestUser, findUserPool } from './users.ts'
import { buildWorkspace, firstAgent } from './workspace-build.ts'

describe('fleet against the simulator', () => {
  let session: SimulatorSession
  beforeAll(async () => {
    session = await startSimulatorSession({ agentConnectDelayMs: 20, agentReadyDelayMs: 20 })
  })
  afterAll(() => session.close())

  it('builds a fleet whose agents are connected, talks to one over the PTY, and closes it', async () => {
    const fleet = await buildFleet(session.owner, { count: 3, organizationId: session.org.id })
    expect(fleet.members).toHaveLength(3)
    for (const member of fleet.members) {
      expect(member.workspace.name).toMatch(/^scaletest-[a-z0-9]{8}-\d$/)
      expect(isScaletestUser(member.user.user)).toBe(true)
      expect(firstAgent(member.workspace)?.status).toBe('connected')
    }
    const member = fleet.members[0]!
    const agentId = firstAgent(member.workspace)!.id
    const agent = await member.client.workspaceAgent(agentId)
    expect(agent.first_connected_at).toBeTruthy()
    expect(agent.health.healthy).toBe(true)

    const reconnect = crypto.randomUUID()
    const pty = await member.client.reconnectingPty(agentId, {
      reconnect,
      command: 'dd if=/dev/stdin of=/dev/null bs=1024 status=none',
    })
    const payload = `${'x'.repeat(2500)}\n`
    await pty.write(payload)
    expect(pty.bytesWritten).toBeGreaterThan(payload.length) // three JSON frames
    // dd drops its input; the terminal's echo comes back, newline as \r\n.
    const echoed = payload.replace('\n', '\r\n')
    await pty.readUntil((out) => out.length === echoed.length, { timeoutMs: 10_000 })
    await pty.close()
    const again = await member.client.reconnectingPty(agentId, { reconnect })
    await again.readUntil((out) => out === echoed, { timeoutMs: 10_000 })
    await again.write('\x03')
    expect((await again.closed).code).toBe(1000)

    await fleet.close()
    const left = await session.owner.listWorkspaces({ q: 'name:"scaletest-"' })
    expect(left.count).toBe(0)
    expect((await session.owner.listUsers({ q: 'scaletest-' })).users).toHaveLength(0)
  })

  it('waits for the build job before asking for external-agent credentials', async () => {
    const template = await createAgentTemplate(session.owner, session.org.id, 'ext-agents', {
      external: true,
    })
    const user = await createScaletestUser(session.owner, {
      organizationId: session.org.id,
      id: '0',
      tag: 'exttest1',
    })
    const client = await clientFor(session.owner, user)
    let early: unknown
    const workspace = await buildWorkspace(client, {
      templateId: template.id,
      name: 'scaletest-ext-0',
      noWaitForAgents: true,
      onCreated: (w) => {
        early = client.externalAgentCredentials(w.id, 'main').catch((e: unknown) => e)
      },
    })
    expect(await early).toMatchObject({ status: 404 })
    expect(workspace.latest_build.has_external_agent).toBe(true)
    const creds = await client.externalAgentCredentials(workspace.id, 'main')
    expect(creds.command).toContain('CODER_AGENT_TOKEN=')
    const ready = await client.waitForAgents(workspace.id, { ready: true, intervalMs: 20, timeoutMs: 10_000 })
    expect(firstAgent(ready)?.lifecycle_state).toBe('ready')
    const report = await cleanupScaletest(session.owner)
    expect(report).toMatchObject({
      workspacesDeleted: ['scaletest-ext-0'],
      usersDeleted: [user.user.username],
      failures: [],
    })
    await session.owner.deleteTemplate(template.id)
  })

  it('finds a user pool by prefix or names the suite that makes it', async () => {
    for (const id of ['0', '1'])
      await createScaletestUser(session.owner, {
        organizationId: session.org.id,
        id,
        tag: 'pooltag1',
        usernamePrefix: 'pool',
      })
    const pool = await findUserPool(session.owner, 'pool', 2)
    expect(pool.map((u) => u.user.username).sort()).toEqual([
      'scaletest-pool-pooltag1-0',
      'scaletest-pool-pooltag1-1',
    ])
    const asUser = await clientFor(session.owner, pool[0]!)
    expect((await asUser.me()).username).toBe(pool[0]!.user.username)
    await expect(findUserPool(session.owner, 'pool', 3)).rejects.toThrow(
      /found 2 user\(s\).*suites\/create-users/,
    )
    await cleanupScaletest(session.owner)
  })

  it("parses --target-workspaces with Coder's errors", () => {
    expect(parseTargetRange('workspaces', '')).toBeUndefined()
    expect(parseTargetRange('workspaces', '1:3')).toEqual({ start: 1, end: 3 })
    expect(() => parseTargetRange('workspaces', '2:2')).toThrow('start and end cannot be equal')
    expect(() => parseTargetRange('workspaces', '3:1')).toThrow('end cannot be less than start')
    expect(() => parseTargetRange('workspaces', '1-3')).toThrow('invalid target workspaces "1-3"')
    expect(() => parseTargetRange('workspaces', 'a:3')).toThrow(
      'invalid target workspaces "a:3": strconv.Atoi: parsing "a": invalid syntax',
    )
    expect(() => parseTargetRange('workspaces', '-1:3')).toThrow('start cannot be negative')
    expect(sliceTargets(['a', 'b', 'c'], { start: 1, end: 3 })).toEqual(['b', 'c'])
    expect(() => sliceTargets(['a'], { start: 0, end: 2 })).toThrow('greater than the number of workspaces 1')
    expect(() => sliceTargets([], undefined)).toThrow('no scaletest workspaces exist')
  })
})
