import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { createTransport } from 'nodemailer'
import { describe, expect, it } from 'vitest'

import { isAlive, mockCliChildren } from '../../test/support/mock-processes.ts'
import { startMocks } from './start-mocks.ts'

// A plain script (no Vitest, so no other SIGINT listener) that starts process-mode mocks and waits.
const SCRIPT = `
  const { startMocks } = await import(${JSON.stringify(fileURLToPath(new URL('./start-mocks.ts', import.meta.url)))})
  await startMocks({ env: { SCALETEST_MOCKS: 'process', SCALETEST_MOCKS_START: 'llm,smtp' }, log: () => {} })
  console.log('ready')
  setInterval(() => {}, 1000)
`

describe('startMocks', () => {
  it('starts nothing and passes the environment through when every endpoint is given', {
    timeout: 30_000,
  }, async () => {
    const lines: string[] = []
    const mocks = await startMocks({
      env: {
        SCALETEST_LLM_URL: 'http://127.0.0.1:18080',
        SCALETEST_SMTP_API_URL: 'http://127.0.0.1:33299',
        SCALETEST_SMTP_HOST: '127.0.0.1',
        SCALETEST_SMTP_PORT: '33199',
        CODER_URL: 'https://coder.example.com',
        CODER_SESSION_TOKEN: 'secret-token',
      },
      log: (line) => lines.push(line),
    })
    await mocks.close()
    expect(mocks.endpoints).toEqual({
      provider: 'external',
      llmUrl: 'http://127.0.0.1:18080',
      smtpHost: '127.0.0.1',
      smtpPort: 33199,
      smtpApiUrl: 'http://127.0.0.1:33299',
      coderUrl: 'https://coder.example.com',
      coderSessionToken: 'secret-token',
    })
    expect(lines).toEqual([
      '[scaletest] mocks: external (every endpoint comes from the environment; no mock is started); ' +
        'from the environment: llmUrl, smtpApiUrl, smtpHost, smtpPort, coderUrl',
    ])
    expect(lines.join('\n')).not.toContain('secret-token')
  })

  it('starts only the mocks the environment does not give, and the simulator mails the started SMTP mock', {
    timeout: 30_000,
  }, async () => {
    const lines: string[] = []
    const mocks = await startMocks({
      env: { SCALETEST_MOCKS: 'inprocess', SCALETEST_LLM_URL: 'http://127.0.0.1:18080' },
      log: (line) => lines.push(line),
    })
    try {
      expect(lines).toEqual([
        '[scaletest] mocks: inprocess (SCALETEST_MOCKS=inprocess); starting smtp, coderd; from the environment: llmUrl',
      ])
      const { endpoints } = mocks
      expect(endpoints).toMatchObject({ provider: 'inprocess', llmUrl: 'http://127.0.0.1:18080' })
      expect(endpoints.coderSessionToken).toEqual(expect.any(String))
      expect(lines.join('\n')).not.toContain(endpoints.coderSessionToken)

      const me = await fetch(`${endpoints.coderUrl}/api/v2/users/me`, {
        headers: { 'Coder-Session-Token': endpoints.coderSessionToken! },
      })
      expect(me.status).toBe(200)
      const transport = createTransport({
        host: endpoints.smtpHost,
        port: endpoints.smtpPort,
        ignoreTLS: true,
      })
      await transport.sendMail({
        from: 'a@example.com',
        to: 'b@example.com',
        subject: 'in-process',
        text: 'x',
      })
      transport.close()
      const inbox = (await (
        await fetch(`${endpoints.smtpApiUrl}/messages?email=b@example.com`)
      ).json()) as unknown[]
      expect(inbox).toHaveLength(1)
    } finally {
      await mocks.close()
    }
    await expect(fetch(`${mocks.endpoints.coderUrl}/api/v2/buildinfo`)).rejects.toThrow()
  })
})

describe("startMocks and the simulator's AI Bridge", () => {
  it('points the bridge at the LLM mock it started, so a bridged request reaches it', {
    timeout: 30_000,
  }, async () => {
    const mocks = await startMocks({
      env: { SCALETEST_MOCKS: 'inprocess', SCALETEST_MOCKS_START: 'llm,coderd' },
      log: () => {},
    })
    try {
      const { coderUrl, coderSessionToken, llmUrl } = mocks.endpoints
      const res = await fetch(`${coderUrl}/api/v2/aibridge/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${coderSessionToken}` },
        body: JSON.stringify({ model: 'gpt-4', messages: [{ role: 'user', content: 'hi' }] }),
      })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { object: string }).object).toBe('chat.completion')
      const journal = (await (await fetch(`${llmUrl}/__admin/requests`)).json()) as {
        requests: { path: string }[]
      }
      expect(journal.requests.map((e) => e.path)).toEqual(['/v1/chat/completions'])
    } finally {
      await mocks.close()
    }
  })
})

describe('startMocks outside Vitest', () => {
  it('kills its mock processes on SIGINT and still exits by the signal', { timeout: 30_000 }, async () => {
    const script = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      script.once('exit', (_, signal) => resolve(signal)),
    )
    await new Promise((resolve) => script.stdout.once('data', resolve))
    const pids = mockCliChildren(script.pid!)
    expect(pids).toHaveLength(2)

    script.kill('SIGINT')
    expect(await exited).toBe('SIGINT')
    for (let i = 0; i < 50 && pids.some(isAlive); i++) await sleep(100)
    expect(pids.filter(isAlive)).toEqual([])
  })
})
