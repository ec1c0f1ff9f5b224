import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createCoderdCore } from './core.ts'
import { createCoderdHandlers } from './msw-handlers.ts'
import { type Json, OWNER } from './test/sim-client.ts'

// In-process: fetch goes through msw to the core, no port is opened.
describe('createCoderdHandlers', () => {
  const core = createCoderdCore({ firstUser: OWNER, jobDurationMs: 5, accessUrl: 'http://coder.test' })
  const server = setupServer(...createCoderdHandlers(core))
  beforeAll(() => server.listen())
  afterAll(() => {
    server.close()
    core.close()
  })

  const json = async (path: string, init: RequestInit = {}, token?: string) => {
    const response = await fetch(`http://coder.test${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token && { 'Coder-Session-Token': token }) },
    })
    return {
      status: response.status,
      body: (response.status === 204 ? undefined : await response.json()) as Json,
    }
  }

  it('logs in, reads the current user and answers errors in Coder’s shape', async () => {
    const login = await json('/api/v2/users/login', {
      method: 'POST',
      body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
    })
    expect(login.status).toBe(201)
    const me = await json('/api/v2/users/me', {}, login.body.session_token)
    expect(me.body).toMatchObject({ username: OWNER.username, roles: [{ name: 'owner' }] })
    expect(await json('/api/v2/users/me')).toMatchObject({
      status: 401,
      body: { message: expect.stringContaining('signed out') },
    })
    expect(await json('/api/v2/nope', {}, login.body.session_token)).toMatchObject({
      status: 404,
      body: { message: 'Route not found.' },
    })
    const bad = await json('/api/v2/users', { method: 'POST', body: '{"email":1}' }, login.body.session_token)
    expect(bad.status).toBe(400)
    expect(bad.body.validations.map((v: { field: string }) => v.field)).toContain('email')
  })

  it('streams the workspace watch SSE through msw', async () => {
    const { session_token: token } = (
      await json('/api/v2/users/login', {
        method: 'POST',
        body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
      })
    ).body
    const org = core.state.defaultOrganization.id
    const file = await fetch('http://coder.test/api/v2/files', {
      method: 'POST',
      headers: { 'content-type': 'application/x-tar', 'Coder-Session-Token': token },
      body: new Uint8Array(),
    })
    const { hash } = (await file.json()) as { hash: string }
    const version = await json(
      `/api/v2/organizations/${org}/templateversions`,
      {
        method: 'POST',
        body: JSON.stringify({ storage_method: 'file', provisioner: 'echo', file_id: hash }),
      },
      token,
    )
    while (
      (await json(`/api/v2/templateversions/${version.body.id}`, {}, token)).body.job.status !== 'succeeded'
    )
      await new Promise((r) => setTimeout(r, 5))
    const template = await json(
      `/api/v2/organizations/${org}/templates`,
      { method: 'POST', body: JSON.stringify({ name: 'msw', template_version_id: version.body.id }) },
      token,
    )
    const ws = await json(
      '/api/v2/users/me/workspaces',
      { method: 'POST', body: JSON.stringify({ name: 'msw', template_id: template.body.id }) },
      token,
    )
    const controller = new AbortController()
    const response = await fetch(`http://coder.test/api/v2/workspaces/${ws.body.id}/watch`, {
      headers: { 'Coder-Session-Token': token },
      signal: controller.signal,
    })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    while (!text.includes('"status":"running"')) {
      const { value, done } = await reader.read()
      if (done) break
      text += value
    }
    controller.abort()
    expect(text.startsWith('event: ping\n\n')).toBe(true)
    expect(text).toContain('"status":"running"')
  })
})
