import { existsSync } from 'node:fs'

import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestProject } from 'vitest/node'

import type { MockEndpoints } from '../context.ts'
import { setup } from './global-setup.ts'
import { globalSetupPath } from './index.ts'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('global setup', () => {
  it('is exported by path for test.globalSetup', () => {
    expect(existsSync(globalSetupPath)).toBe(true)
    expect(globalSetupPath).toMatch(/global-setup\.ts$/)
  })

  it('provides the endpoints once, with a working simulator token, and its teardown stops the mocks', {
    timeout: 30_000,
  }, async () => {
    vi.stubEnv('SCALETEST_MOCKS', 'inprocess')
    vi.stubEnv('SCALETEST_REQUIRE_DOCKER', '')
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const provide = vi.fn()
    const teardown = await setup({ provide } as unknown as TestProject)
    const [[key, endpoints]] = provide.mock.calls as [[string, MockEndpoints]]
    try {
      expect(provide).toHaveBeenCalledTimes(1)
      expect(key).toBe('scaletestMocks')
      expect(Object.keys(endpoints).sort()).toEqual([
        'coderSessionToken',
        'coderUrl',
        'llmUrl',
        'provider',
        'smtpApiUrl',
        'smtpHost',
        'smtpPort',
      ])
      const me = await fetch(`${endpoints.coderUrl}/api/v2/users/me`, {
        headers: { 'Coder-Session-Token': endpoints.coderSessionToken! },
      })
      expect(((await me.json()) as { roles: { name: string }[] }).roles.map((r) => r.name)).toContain('owner')
    } finally {
      await teardown()
    }
    await expect(fetch(`${endpoints.llmUrl}/healthz`)).rejects.toThrow()
  })
})
