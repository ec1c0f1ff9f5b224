// For *.container.test.ts only (imports vitest): a describe block that runs when Docker can run
// the mocks image, fails under SCALETEST_REQUIRE_DOCKER=1 when it cannot, and is skipped with the
// reason otherwise.
import { describe, test } from 'vitest'

import { dockerTestGate } from './docker-probe.ts'

// Ryuk needs an image pull; these tests remove their containers themselves (by run label).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true'

const gate = await dockerTestGate()

export function describeWithDocker(name: string, body: () => void): void {
  if (gate.run) {
    describe(name, body)
    return
  }
  if (!gate.fail) console.warn(`[scaletest] skipping ${name}: ${gate.reason}`)
  test(`${name} (needs Docker)`, ({ skip }) => {
    if (gate.fail) throw new Error(`SCALETEST_REQUIRE_DOCKER=1 but ${gate.reason}`)
    skip(gate.reason)
  })
}
