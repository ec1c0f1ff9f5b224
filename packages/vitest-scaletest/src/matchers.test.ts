import { describe, expect, it } from 'vitest'

import { TestHarness } from './harness/test-harness.ts'
import './matchers.ts'

async function resultsWith(failures: number, passes: number) {
  const harness = new TestHarness()
  for (let i = 0; i < failures; i++) {
    harness.add('m', `f${i}`, {
      run: () => {
        throw new Error(`failure ${i}`)
      },
    })
  }
  for (let i = 0; i < passes; i++) harness.add('m', `p${i}`, { run: () => {} })
  return { harness, results: await harness.run() }
}

describe('matchers', () => {
  it('toHaveNoFailures passes on clean results and lists failing runs otherwise', async () => {
    const clean = await resultsWith(0, 3)
    expect(clean.results).toHaveNoFailures()
    expect(clean.harness).toHaveNoFailures()
    const dirty = await resultsWith(2, 1)
    expect(() => expect(dirty.results).toHaveNoFailures()).toThrow(
      /expected no failures, but 2 of 3 runs failed:\n {2}m\/f0: failure 0\n {2}m\/f1: failure 1/,
    )
    expect(dirty.results).not.toHaveNoFailures()
  })

  it('toHaveFailuresWithin(n) allows a failure budget', async () => {
    const { results } = await resultsWith(2, 8)
    expect(results).toHaveFailuresWithin(2)
    expect(() => expect(results).toHaveFailuresWithin(1)).toThrow(/expected at most 1 failures, got 2 of 10/)
  })

  it('rejects values that are not harness results', () => {
    expect(() => expect({ nope: true }).toHaveNoFailures()).toThrow(/expected harness results/)
  })
})
