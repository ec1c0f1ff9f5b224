import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { buildFleet, type Fleet } from '../fleet/fleet.ts'
import { firstAgent } from '../fleet/workspace-build.ts'
import { APP_WRITE_CHUNK } from './app-websocket.ts'
import { type SimulatorSession, startSimulatorSession } from './simulator-setup.ts'

describe('app websockets against the simulator', () => {
  let session: SimulatorSession
  let fleet: Fleet
  let appUrl: (slug: string, slash?: string) => URL
  beforeAll(async () => {
    session = await startSimulatorSession({ agentConnectDelayMs: 20, agentReadyDelayMs: 20 })
    fleet = await buildFleet(session.owner, { count: 1, organizationId: session.org.id })
    const { workspace } = fleet.members[0]!
    const agent = firstAgent(workspace)!
    appUrl = (slug, slash = '/') =>
      new URL(
        `@${workspace.owner_name}/${workspace.name}.${agent.name}/apps/${slug}${slash}`,
        session.owner.url,
      )
  })
  afterAll(async () => {
    await fleet?.close()
    await session.close()
  })

  it('writes in messages of at most 1 KiB and reads the echo back', async () => {
    const { client } = fleet.members[0]!
    await using app = await client.appWebSocket(appUrl('echo'))
    const chunks: Buffer[] = []
    const payload = Buffer.from(`${'y'.repeat(2 * APP_WRITE_CHUNK + 500)}\n`)
    const echoed = new Promise<void>((resolve) =>
      app.onData((chunk) => {
        chunks.push(chunk)
        if (app.bytesRead === payload.length) resolve()
      }),
    )
    await app.write(payload)
    await echoed
    expect(chunks.map((c) => c.length)).toEqual([1024, 1024, 501])
    expect(Buffer.concat(chunks)).toEqual(payload)
    expect(app.bytesWritten).toBe(payload.length)
  })

  it("turns a refused upgrade into a CoderApiError with the page's words or the redirect's target", async () => {
    await expect(session.owner.appWebSocket(appUrl('echo'))).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Application Not Found'),
    })
    const { client } = fleet.members[0]!
    await expect(client.appWebSocket(appUrl('nope'))).rejects.toMatchObject({ status: 404 })
    const redirected = await client.appWebSocket(appUrl('echo', '')).catch((e: Error) => e)
    expect(redirected).toMatchObject({ status: 307, message: expect.stringContaining('/apps/echo/') })
  })
})
