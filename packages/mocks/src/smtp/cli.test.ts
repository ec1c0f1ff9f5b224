import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

import { createTransport } from 'nodemailer'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { runSmtpCli } from './cli.ts'

const SMTP_LINE = /^smtp mock listening on smtp:\/\/127\.0\.0\.1:(\d+)$/
const API_LINE = /^smtp mock API listening on (http:\/\/127\.0\.0\.1:\d+)$/

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const close of closers.splice(0)) await close()
})

async function runQuietly(argv: string[]) {
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line))
  const started = await runSmtpCli(argv)
  closers.push(() => started.close())
  return lines
}

describe('runSmtpCli', () => {
  it("takes the seed's flags and prints both listen lines", async () => {
    const lines = await runQuietly([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--api-port',
      '0',
      '--purge-at-count',
      '1000',
    ])
    expect(lines[0]).toMatch(SMTP_LINE)
    expect(lines[1]).toMatch(API_LINE)
    expect(lines[2]).toBe('smtp mock: auto-purge when the message count reaches 1000')
    const apiUrl = API_LINE.exec(lines[1] ?? '')?.[1]
    const health = await fetch(`${apiUrl}/healthz`)
    expect(health.status).toBe(200)
    await health.body?.cancel()
  })

  it("accepts Coder's later names --host-address and --smtp-port", async () => {
    const probe = await runQuietly([])
    const freePort = Number(SMTP_LINE.exec(probe[0] ?? '')?.[1])
    await closers.pop()?.()
    const lines = await runQuietly([
      '--host-address',
      '127.0.0.1',
      '--smtp-port',
      String(freePort),
      '--purge-at-count',
      '0',
    ])
    expect(lines[0]).toBe(`smtp mock listening on smtp://127.0.0.1:${freePort}`)
    expect(lines).toHaveLength(2)
  })

  it('rejects bad flag values with a message naming the flag', async () => {
    await expect(runSmtpCli(['--port', '70000'])).rejects.toThrow(
      "--port must be an integer from 0 to 65535, got '70000'",
    )
    await expect(runSmtpCli(['--purge-at-count', '-5'])).rejects.toThrow(/--purge-at-count/)
    await expect(runSmtpCli(['--fault-reject-rate', '2'])).rejects.toThrow(
      /--fault-reject-rate must be a number from 0 to 1/,
    )
    await expect(runSmtpCli(['--fault-reject-code', '250'])).rejects.toThrow(
      /--fault-reject-code must be one of 421, 451, 550/,
    )
    await expect(runSmtpCli(['--bogus'])).rejects.toThrow(/bogus/)
  })

  it('prints its flags with --help', async () => {
    const lines = await runQuietly(['--help'])
    expect(lines.join('\n')).toContain('--purge-at-count N')
    expect(lines.join('\n')).toContain('alias --smtp-port')
  })
})

describe('scaletest-mocks smtp (child process)', () => {
  let child: ChildProcess | undefined
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
  })

  it('starts, receives mail, and exits 0 on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('../cli.ts', import.meta.url))
    child = spawn(process.execPath, [cli, 'smtp', '--fault-seed', '5'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout?.setEncoding('utf8')
    await new Promise<void>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: string) => {
        stdout += chunk
        if (API_LINE.test(stdout.split('\n')[1] ?? '')) resolve()
      })
      child?.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stdout}`)))
    })
    const [smtpLine, apiLine] = stdout.split('\n')
    const port = Number(SMTP_LINE.exec(smtpLine ?? '')?.[1])
    const apiUrl = API_LINE.exec(apiLine ?? '')?.[1]
    const transport = createTransport({ host: '127.0.0.1', port, ignoreTLS: true })
    try {
      await transport.sendMail({ from: 'a@b.io', to: 'cli@example.com', subject: 'via cli', text: 'x' })
    } finally {
      transport.close()
    }
    const inbox = await (await fetch(`${apiUrl}/messages?email=cli%40example.com`)).json()
    expect(inbox).toMatchObject([{ subject: 'via cli' }])
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    expect(await exited).toEqual([0, null])
  })
})
