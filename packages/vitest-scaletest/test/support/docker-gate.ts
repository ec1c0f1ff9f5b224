import { test } from 'vitest'

import { dockerTestGate } from '@scaletest/mocks/containers'

const gate = await dockerTestGate()

/** A test that needs Docker: runs, or fails under SCALETEST_REQUIRE_DOCKER=1, or is skipped with the reason. */
export function testWithDocker(name: string, timeout: number, body: () => Promise<void>): void {
  if (!gate.run && !gate.fail) console.warn(`[scaletest] skipping '${name}': ${gate.reason}`)
  test(name, { timeout }, async ({ skip }) => {
    if (!gate.run) {
      if (gate.fail) throw new Error(`SCALETEST_REQUIRE_DOCKER=1 but ${gate.reason}`)
      skip(gate.reason)
    }
    await body()
  })
}
