import { connect } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createTemplate, createUser, type Fixture, startFixture } from './test/sim-client.ts'

const BODIES = [
  '',
  'null',
  '[]',
  '"text"',
  '42',
  '{"unknown_field":1}',
  '{bad json',
  '{"name":{"nested":true}}',
  '\u0000\u0001',
]

describe('bad input never crashes the simulator', () => {
  let f: Fixture
  let paths: [string, string][]
  beforeAll(async () => {
    f = await startFixture()
    const template = await createTemplate(f.owner, f.orgId, 'fuzz')
    const member = await createUser(f)
    const ws = await member.client.ok('POST', '/api/v2/users/me/workspaces', {
      template_id: template.id,
      name: 'fuzz',
    })
    paths = [
      ['POST', '/api/v2/users/first'],
      ['POST', '/api/v2/users/login'],
      ['POST', '/api/v2/users'],
      ['PUT', `/api/v2/users/${member.id}/roles`],
      ['POST', `/api/v2/users/${member.id}/keys/tokens`],
      ['PUT', `/api/v2/organizations/${f.orgId}/members/${member.id}/roles`],
      ['POST', `/api/v2/organizations/${f.orgId}/templateversions`],
      ['POST', `/api/v2/organizations/${f.orgId}/templates`],
      ['PATCH', `/api/v2/templates/${template.id}`],
      ['PATCH', `/api/v2/templates/${template.id}/versions`],
      ['POST', '/api/v2/users/me/workspaces'],
      ['POST', `/api/v2/workspaces/${ws.id}/builds`],
      ['PUT', `/api/v2/workspaces/${ws.id}/autostart`],
      ['PUT', `/api/v2/workspaces/${ws.id}/ttl`],
      ['PUT', '/api/v2/notifications/settings'],
      ['PUT', '/api/v2/users/me/notifications/preferences'],
      ['POST', '/__admin/faults'],
    ]
  })
  afterAll(() => f.sim.close())

  it('answers every malformed body with a 4xx in Coder’s error shape', async () => {
    for (const [method, path] of paths)
      for (const body of BODIES) {
        const reply = await f.owner.call(method, path, body, { 'content-type': 'application/json' })
        expect(reply.status, `${method} ${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400)
        expect(reply.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500)
        expect(typeof reply.body.message, `${method} ${path}`).toBe('string')
      }
  })

  it('rejects malformed path parameters and queries with 400 or 404, not 500', async () => {
    for (const path of [
      '/api/v2/templates/not-a-uuid',
      '/api/v2/workspaces/%E0%A4%A',
      '/api/v2/workspacebuilds/x/cancel',
      '/api/v2/users?limit=-1',
      '/api/v2/workspaces?offset=abc',
      '/api/v2/templateversions/1/logs?after=x',
    ]) {
      const method = path.endsWith('/cancel') ? 'PATCH' : 'GET'
      const reply = await f.owner.call(method, path)
      expect([400, 404], path).toContain(reply.status)
    }
  })

  it('survives a garbage request line and a body larger than the limit', async () => {
    const socket = connect(f.sim.port, '127.0.0.1')
    const reply = await new Promise<string>((resolve) => {
      let data = ''
      socket.on('data', (chunk) => {
        data += chunk
      })
      socket.on('close', () => resolve(data))
      socket.write('NOT HTTP AT ALL\r\n\r\n')
    })
    expect(reply).toMatch(/^HTTP\/1\.1 400/)
    const big = await f.owner.call('POST', '/api/v2/users/login', `{"email":"${'a'.repeat(2 << 20)}"}`, {
      'content-type': 'application/json',
    })
    expect(big.status).toBe(413)
    expect((await f.owner.call('GET', '/healthz')).status).toBe(200)
  })
})
