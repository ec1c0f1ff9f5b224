import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

import { afterEach, describe, expect, it, vi } from 'vitest'

import { runCoderdCli } from './cli.ts'
import { SimClient } from './test/sim-client.ts'

const LISTEN_LINE = /^coderd simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/
const FIRST_USER = ['--first-user-email', 'admin@example.com', '--first-user-username', 'admin']

/** Starts the CLI on a free port, reads its URL from the one listen line it prints. */
async function startCli(args: string[]) {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  const started = await runCoderdCli(['--address', '127.0.0.1:0', ...args])
  expect(log).toHaveBeenCalledTimes(1)
  const url = LISTEN_LINE.exec(String(log.mock.calls[0]![0]))![1]!
  log.mockRestore()
  const anon = new SimClient(url)
  /** A client logged in as the first user. */
  const owner = async (password: string) =>
    anon.as(
      (await anon.ok('POST', '/api/v2/users/login', { email: 'admin@example.com', password })).session_token,
    )
  return { anon, owner, close: () => started.close() }
}

describe('runCoderdCli', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    delete process.env.CODER_FIRST_USER_PASSWORD
  })

  it('prints the listen line and creates the first user, password from the environment', async () => {
    process.env.CODER_FIRST_USER_PASSWORD = 'env-password-1'
    const cli = await startCli([...FIRST_USER, '--job-duration-ms', '5'])
    try {
      expect((await cli.anon.call('GET', '/healthz')).status).toBe(200)
      const owner = await cli.owner('env-password-1')
      expect((await owner.ok('GET', '/api/v2/users/me')).roles[0].name).toBe('owner')
      expect(await owner.ok('GET', '/api/v2/experiments')).toEqual(['workspace-build-updates'])
    } finally {
      await cli.close()
    }
  })

  it('enables the --experiments given, none for an empty list', async () => {
    process.env.CODER_FIRST_USER_PASSWORD = 'env-password-1'
    for (const [flag, expected] of [
      ['', []],
      ['workspace-build-updates, agents', ['workspace-build-updates', 'agents']],
    ] as const) {
      const cli = await startCli([...FIRST_USER, '--experiments', flag])
      try {
        expect(await (await cli.owner('env-password-1')).ok('GET', '/api/v2/experiments')).toEqual(expected)
      } finally {
        await cli.close()
      }
    }
  })

  it('takes the AI Bridge upstreams from --aibridge-* flags or CODER_AIBRIDGE_* variables', async () => {
    process.env.CODER_AIBRIDGE_ANTHROPIC_BASE_URL = 'http://127.0.0.1:9'
    const cli = await startCli([
      ...FIRST_USER,
      '--first-user-password',
      'flag-password-1',
      '--aibridge-openai-base-url',
      'http://127.0.0.1:9/v1',
    ])
    try {
      const { token } = await cli.owner('flag-password-1')
      // Both upstreams are set (port 9 is closed): 502 unreachable, not 503 unconfigured.
      for (const path of ['/openai/v1/chat/completions', '/anthropic/v1/messages']) {
        const body = { model: 'm', messages: [] }
        const reply = await cli.anon.call('POST', `/api/v2/aibridge${path}`, body, {
          authorization: `Bearer ${token}`,
        })
        expect(reply.status, path).toBe(502)
      }
    } finally {
      delete process.env.CODER_AIBRIDGE_ANTHROPIC_BASE_URL
      await cli.close()
    }
  })

  it('rejects incomplete first-user flags and bad numbers without echoing the password', async () => {
    await expect(
      runCoderdCli(['--address', '127.0.0.1:0', '--first-user-password', 'sekrit-value']),
    ).rejects.toThrow(/go together/)
    await expect(
      runCoderdCli([
        '--address',
        '127.0.0.1:0',
        '--first-user-email',
        'a@b.co',
        '--first-user-username',
        'a',
        '--first-user-password',
        'abc',
      ]),
    ).rejects.toThrow(/password: must be at least 6 characters$/)
    await expect(runCoderdCli(['--job-duration-ms', 'soon'])).rejects.toThrow(
      '--job-duration-ms must be a non-negative integer',
    )
    await expect(runCoderdCli(['--address', 'nowhere'])).rejects.toThrow(/invalid address/)
    await expect(runCoderdCli(['--bogus'])).rejects.toThrow(/bogus/)
  })

  it('gives every daemon the --provisioner-tags', async () => {
    const cli = await startCli(['--provisioner-daemons', '2', '--provisioner-tags', 'cluster=a,zone=b=c'])
    try {
      const stats = await cli.anon.ok('GET', '/__admin/stats')
      const tags = { cluster: 'a', zone: 'b=c', scope: 'organization', owner: '' }
      expect(stats.provisioners.map((p: { tags: Record<string, string> }) => p.tags)).toEqual([tags, tags])
    } finally {
      await cli.close()
    }
    await expect(runCoderdCli(['--provisioner-tags', 'novalue'])).rejects.toThrow('KEY=VALUE')
  })

  it('prints help', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await (await runCoderdCli(['--help'])).close()
    expect(String(log.mock.calls[0]![0])).toContain('--email-smarthost HOST:PORT')
  })
})

describe('scaletest-mocks coderd as a child process', () => {
  it('serves until SIGTERM', async () => {
    const cli = fileURLToPath(new URL('../cli.ts', import.meta.url))
    const child = spawn(process.execPath, [cli, 'coderd', '--address', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    try {
      const [chunk] = (await once(child.stdout!, 'data')) as [Buffer]
      const url = LISTEN_LINE.exec(chunk.toString().trim())![1]!
      expect((await new SimClient(url).call('GET', '/api/v2/users/first')).status).toBe(404)
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
  })
})
