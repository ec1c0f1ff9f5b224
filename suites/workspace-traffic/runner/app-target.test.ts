import { describe, expect, it } from 'vitest'

import type { Workspace, WorkspaceAgent } from '@scaletest/vitest'
import { appTarget } from './app-target.ts'

const workspace = { name: 'scaletest-ab12cd34-0', owner_name: 'scaletest-ab12cd34-0' } as Workspace
const agent = {
  name: 'main',
  apps: [{ slug: 'wsec' }, { slug: 'sub', subdomain: true }],
} as WorkspaceAgent

describe('appTarget (createWorkspaceAppConfig)', () => {
  it('dials the path-based URL with its trailing slash, under a deployment path prefix too', () => {
    expect(appTarget('https://coder.example/', workspace, agent, 'wsec')).toEqual({
      kind: 'app',
      slug: 'wsec',
      url: new URL('https://coder.example/@scaletest-ab12cd34-0/scaletest-ab12cd34-0.main/apps/wsec/'),
    })
    const prefixed = appTarget('https://example.com/coder/', workspace, agent, 'wsec')
    expect(prefixed.kind === 'app' && prefixed.url.pathname).toBe(
      '/coder/@scaletest-ab12cd34-0/scaletest-ab12cd34-0.main/apps/wsec/',
    )
  })

  it("refuses a missing app with Coder's message and a subdomain app with the reason", () => {
    expect(() => appTarget('http://127.0.0.1:1/', workspace, agent, 'nope')).toThrow(
      'configure workspace app: app "nope" not found in workspace "scaletest-ab12cd34-0"',
    )
    expect(() => appTarget('http://127.0.0.1:1/', workspace, agent, 'sub')).toThrow(
      /app "sub" is a subdomain app; this suite sends traffic to path-based apps only/,
    )
  })
})
