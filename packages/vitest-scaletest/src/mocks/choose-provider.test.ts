import { describe, expect, it, vi } from 'vitest'

import type { DockerProbe } from '@scaletest/mocks/containers'
import { chooseProvider } from './choose-provider.ts'
import { readMocksEnv } from './mocks-env.ts'

const up = async (): Promise<DockerProbe> => ({
  available: true,
  engine: '20.10 at localhost',
  image: 'img',
})
const down = async (): Promise<DockerProbe> => ({
  available: false,
  reason: 'no Docker engine answers (connect ENOENT)',
  fix: 'start one',
})

describe('chooseProvider', () => {
  it('defaults to containers when Docker can run them', async () => {
    expect(await chooseProvider(readMocksEnv({}), up)).toEqual({
      provider: 'container',
      reason: 'Docker engine 20.10 at localhost answers and img is built',
    })
  })

  it('falls back to processes and says why and how to require containers', async () => {
    const choice = await chooseProvider(readMocksEnv({}), down)
    expect(choice.provider).toBe('process')
    expect(choice.reason).toBe(
      'no Docker engine answers (connect ENOENT); set SCALETEST_MOCKS=container (or SCALETEST_REQUIRE_DOCKER=1) to require containers',
    )
  })

  it('fails when containers are required and Docker is missing', async () => {
    await expect(chooseProvider(readMocksEnv({ SCALETEST_REQUIRE_DOCKER: '1' }), down)).rejects.toThrow(
      'SCALETEST_REQUIRE_DOCKER=1 but no Docker engine answers (connect ENOENT); fix: start one',
    )
    await expect(chooseProvider(readMocksEnv({ SCALETEST_MOCKS: 'container' }), down)).rejects.toMatchObject({
      code: 'SCALETEST_DOCKER_REQUIRED',
      message: expect.stringMatching(/^SCALETEST_MOCKS=container but no Docker engine answers/),
    })
    await expect(
      chooseProvider(readMocksEnv({ SCALETEST_MOCKS: 'process', SCALETEST_REQUIRE_DOCKER: '1' }), down),
    ).rejects.toThrow(/SCALETEST_REQUIRE_DOCKER=1/)
  })

  it('honours an explicit provider without probing Docker', async () => {
    const probe = vi.fn(up)
    expect(await chooseProvider(readMocksEnv({ SCALETEST_MOCKS: 'inprocess' }), probe)).toEqual({
      provider: 'inprocess',
      reason: 'SCALETEST_MOCKS=inprocess',
    })
    expect(probe).not.toHaveBeenCalled()
  })

  it('starts nothing when the environment gives every endpoint', async () => {
    const probe = vi.fn(up)
    const env = readMocksEnv({
      SCALETEST_LLM_URL: 'http://127.0.0.1:1',
      SCALETEST_SMTP_API_URL: 'http://127.0.0.1:2',
      CODER_URL: 'http://127.0.0.1:3',
      CODER_SESSION_TOKEN: 't',
    })
    expect((await chooseProvider(env, probe)).provider).toBe('external')
    expect(probe).not.toHaveBeenCalled()
  })

  it('rejects SCALETEST_MOCKS=external when an endpoint is missing, naming the mock', async () => {
    const env = readMocksEnv({ SCALETEST_MOCKS: 'external', SCALETEST_LLM_URL: 'http://127.0.0.1:1' })
    await expect(chooseProvider(env, up)).rejects.toThrow(/no endpoint is given for smtp, coderd/)
  })
})
