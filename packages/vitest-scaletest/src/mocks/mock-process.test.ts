import { describe, expect, it } from 'vitest'

import { startMockProcess } from './mock-process.ts'

describe('startMockProcess', () => {
  it('starts the CLI, captures its listen line and stops it', { timeout: 30_000 }, async () => {
    const spawned: number[] = []
    const llm = await startMockProcess('llm', ['--address', '127.0.0.1:0'], {
      ready: { url: /llm mock listening on (http:\/\/\S+)/ },
      onSpawn: (pid) => spawned.push(pid),
    })
    expect(spawned).toEqual([llm.pid])
    const url = llm.matches.url![1]!
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    await llm.stop()
    await expect(fetch(`${url}/healthz`)).rejects.toThrow()
    expect(() => process.kill(llm.pid, 0)).toThrow()
  })

  it('fails with the CLI output when the mock exits before it is ready', { timeout: 30_000 }, async () => {
    await expect(
      startMockProcess('llm', ['--no-such-flag'], { ready: { url: /listening on (\S+)/ } }),
    ).rejects.toMatchObject({
      code: 'SCALETEST_MOCK_START_FAILED',
      message: expect.stringMatching(
        /scaletest-mocks llm exited \(code \d+\) before it was ready[\s\S]*--no-such-flag/,
      ),
    })
  })

  it('gives up after the start timeout and leaves no process behind', { timeout: 30_000 }, async () => {
    const spawned: number[] = []
    await expect(
      startMockProcess('llm', ['--address', '127.0.0.1:0'], {
        ready: { url: /a line the mock never prints/ },
        startTimeoutMs: 1_500,
        onSpawn: (pid) => spawned.push(pid),
      }),
    ).rejects.toThrow(/printed no listen line within 1.5s[\s\S]*llm mock listening/)
    expect(() => process.kill(spawned[0]!, 0)).toThrow()
  })
})
