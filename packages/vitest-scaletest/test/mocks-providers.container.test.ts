// The same scenario (LLM chat, SMTP in and out, simulator login and a notification email) passes
// whichever way the mocks are provided.
import { randomUUID } from 'node:crypto'

import { expect, test } from 'vitest'

import { listRunContainers } from '@scaletest/mocks/containers'
import { startMocks } from '../src/mocks/start-mocks.ts'
import { testWithDocker } from './support/docker-gate.ts'
import { MOCKS_RUN_CONFIG, runVitest } from './support/run-vitest.ts'

async function passes(env: NodeJS.ProcessEnv): Promise<string> {
  const run = runVitest(MOCKS_RUN_CONFIG, env)
  try {
    const { code } = await run.exited
    expect(code, run.output()).toBe(0)
    expect(run.output()).toMatch(/scaletest-fixture: scenario passed/)
    expect(run.output()).toMatch(/Tests\s+1 passed \(1\)/)
    return run.output()
  } finally {
    run.child.kill('SIGKILL')
  }
}

test.each(['process', 'inprocess'])('SCALETEST_MOCKS=%s', { timeout: 60_000 }, async (provider) => {
  const output = await passes({ SCALETEST_MOCKS: provider })
  expect(output).toContain(
    `[scaletest] mocks: ${provider} (SCALETEST_MOCKS=${provider}); starting llm, smtp, coderd`,
  )
  expect(output).toContain(`scaletest-fixture: provider=${provider}`)
})

testWithDocker('SCALETEST_MOCKS=container, and nothing is left after the run', 120_000, async () => {
  const runId = `providers-${randomUUID()}`
  const output = await passes({ SCALETEST_MOCKS: 'container', SCALETEST_RUN_ID: runId })
  expect(output).toContain('scaletest-fixture: provider=container')
  expect(await listRunContainers(runId)).toEqual([])
})

testWithDocker(
  'unset SCALETEST_MOCKS picks containers when Docker answers, and says why',
  60_000,
  async () => {
    const runId = `default-${randomUUID()}`
    const lines: string[] = []
    const mocks = await startMocks({
      env: { SCALETEST_MOCKS_START: 'llm', SCALETEST_RUN_ID: runId },
      log: (line) => lines.push(line),
    })
    try {
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(
        /^\[scaletest\] mocks: container \(Docker engine \S+ at \S+ answers and scaletest\/mocks:local is built\); starting llm$/,
      )
      expect(mocks.endpoints.provider).toBe('container')
      expect((await fetch(`${mocks.endpoints.llmUrl}/healthz`)).status).toBe(200)
      expect(await listRunContainers(runId)).toHaveLength(1)
    } finally {
      await mocks.close()
    }
    expect(await listRunContainers(runId)).toEqual([])
  },
)
