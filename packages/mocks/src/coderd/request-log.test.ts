import { describe, expect, it } from 'vitest'

import { SimClient, startFixture } from './test/sim-client.ts'

describe('request log', () => {
  it('records arrival, route, status and caller of the last N requests, without query strings', async () => {
    const f = await startFixture({ requestLogSize: 3 })
    try {
      const before = Date.now()
      await f.owner.ok('GET', '/api/v2/users/me?token=secret-value')
      expect((await new SimClient(f.sim.url).call('GET', '/api/v2/users/me')).status).toBe(401)
      expect((await f.owner.call('GET', '/api/v2/no-such-route')).status).toBe(404)
      await f.owner.ok('GET', '/healthz')
      const log = f.sim.requestLog()
      expect(log.map(({ path, pattern, status, username }) => ({ path, pattern, status, username }))).toEqual(
        [
          { path: '/api/v2/users/me', pattern: '/api/v2/users/:user', status: 401, username: undefined },
          { path: '/api/v2/no-such-route', pattern: undefined, status: 404, username: undefined },
          { path: '/healthz', pattern: '/healthz', status: 200, username: undefined },
        ],
      )
      for (const entry of log) expect(entry.at).toBeGreaterThanOrEqual(before)
      expect(JSON.stringify(log)).not.toContain('secret-value')
    } finally {
      await f.sim.close()
    }
  })

  it('keeps nothing by default', async () => {
    const f = await startFixture()
    try {
      await f.owner.ok('GET', '/api/v2/users/me')
      expect(f.sim.requestLog()).toEqual([])
    } finally {
      await f.sim.close()
    }
  })
})
