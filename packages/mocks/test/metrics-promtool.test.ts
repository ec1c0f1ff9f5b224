// The mocks' GET /metrics, after real traffic, is Prometheus text that promtool accepts.
import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'

import { describe, expect, it } from 'vitest'

import { startLlmMock, startSmtpMock } from '../src/index.ts'

const PROMTOOL = '/usr/bin/promtool'

async function expectPromtoolAccepts(url: string): Promise<void> {
  try {
    accessSync(PROMTOOL, constants.X_OK)
  } catch {
    throw new Error(`${PROMTOOL} is missing: apt-get install prometheus (it provides promtool)`)
  }
  const response = await fetch(url)
  expect(response.status).toBe(200)
  const exposition = await response.text()
  expect(exposition).toMatch(/^# TYPE /m)
  await new Promise<void>((resolve, reject) => {
    const child = execFile(PROMTOOL, ['check', 'metrics'], (error, stdout, stderr) =>
      error ? reject(new Error(`promtool rejected ${url}:\n${stderr || stdout}`)) : resolve(),
    )
    child.stdin?.end(exposition)
  })
}

describe('mock /metrics pass promtool check metrics', () => {
  it('llm mock, after a streamed chat completion', async () => {
    const llm = await startLlmMock()
    try {
      const answer = await fetch(`${llm.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
      })
      expect(await answer.text()).toContain('data: [DONE]')
      await expectPromtoolAccepts(`${llm.url}/metrics`)
    } finally {
      await llm.close()
    }
  })

  it('smtp mock, after a lookup', async () => {
    const smtp = await startSmtpMock()
    try {
      expect((await fetch(`${smtp.apiUrl}/messages?email=a%40example.com`)).status).toBe(200)
      await expectPromtoolAccepts(`${smtp.apiUrl}/metrics`)
    } finally {
      await smtp.close()
    }
  })
})
