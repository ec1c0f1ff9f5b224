import { describe, expect, it } from 'vitest'

import { type DockerProbe, dockerTestGate } from './docker-probe.ts'

const missing = async (): Promise<DockerProbe> => ({
  available: false,
  reason: 'no Docker engine answers',
  fix: 'start one',
})

describe('dockerTestGate', () => {
  it('runs when the probe finds an engine and the image', async () => {
    const gate = await dockerTestGate({}, async () => ({ available: true, engine: 'e', image: 'i' }))
    expect(gate).toEqual({ run: true })
  })

  it('fails under SCALETEST_REQUIRE_DOCKER=1 when Docker is missing', async () => {
    const gate = await dockerTestGate({ SCALETEST_REQUIRE_DOCKER: '1' }, missing)
    expect(gate).toEqual({ run: false, fail: true, reason: 'no Docker engine answers; fix: start one' })
  })

  it('skips with the reason and the way to require Docker otherwise', async () => {
    const gate = await dockerTestGate({}, missing)
    expect(gate).toMatchObject({ run: false, fail: false })
    expect(gate.run === false && gate.reason).toMatch(/no Docker engine answers.*SCALETEST_REQUIRE_DOCKER=1/)
  })
})
