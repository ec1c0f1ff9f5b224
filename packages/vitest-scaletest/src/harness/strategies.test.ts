import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import type { Runner } from './runner.ts'
import {
  concurrent,
  fromConcurrency,
  linear,
  parallel,
  shuffle,
  shuffledIndexes,
  withTimeout,
} from './strategies.ts'
import { TestHarness } from './test-harness.ts'

/** Runners that record start order and the highest number in flight at once. */
function tracker(delayMs: (i: number) => number) {
  let inFlight = 0
  const state = { peak: 0, order: [] as string[] }
  const runner = (i: number): Runner => ({
    run: async ({ id }) => {
      state.order.push(id)
      inFlight++
      state.peak = Math.max(state.peak, inFlight)
      await sleep(delayMs(i))
      inFlight--
    },
  })
  return { state, runner }
}

async function runWith(
  strategy: Parameters<TestHarness['run']>[0],
  n: number,
  delayMs: (i: number) => number,
) {
  const { state, runner } = tracker(delayMs)
  const harness = new TestHarness()
  for (let i = 0; i < n; i++) harness.add('s', String(i), runner(i))
  const results = await harness.run(strategy)
  return { ...state, results }
}

describe('strategies', () => {
  it('linear runs one at a time in add order', async () => {
    const { peak, order, results } = await runWith(linear(), 5, () => 2)
    expect(peak).toBe(1)
    expect(order).toEqual(['0', '1', '2', '3', '4'])
    expect(results.total_pass).toBe(5)
  })

  it('concurrent starts every run at once', async () => {
    const { peak } = await runWith(concurrent(), 20, () => 20)
    expect(peak).toBe(20)
  })

  it('parallel(3) never has more than 3 in flight, and reaches 3', async () => {
    const { peak, order, results } = await runWith(parallel(3), 12, (i) => 5 + (i % 4) * 5)
    expect(peak).toBe(3)
    expect(order).toHaveLength(12)
    expect(results.total_pass).toBe(12)
  })

  it('parallel rejects a limit below 1', () => {
    expect(() => parallel(0)).toThrow(/integer >= 1/)
    expect(() => parallel(1.5)).toThrow(/integer >= 1/)
  })

  it('fromConcurrency maps Coder flag values', () => {
    expect(fromConcurrency(0).name).toBe('concurrent')
    expect(fromConcurrency(1).name).toBe('linear')
    expect(fromConcurrency(7).name).toBe('parallel(7)')
  })

  it('shuffle(seed) gives the same order twice, and another seed another order', async () => {
    const a = await runWith(shuffle(linear(), 42), 20, () => 0)
    const b = await runWith(shuffle(linear(), 42), 20, () => 0)
    const c = await runWith(shuffle(linear(), 7), 20, () => 0)
    const inOrder = Array.from({ length: 20 }, (_, i) => String(i))
    expect(a.order).toEqual(b.order)
    expect(a.order).not.toEqual(inOrder)
    expect(c.order).not.toEqual(a.order)
    expect([...a.order].sort()).toEqual([...inOrder].sort())
  })

  it('shuffledIndexes is a permutation', () => {
    const order = shuffledIndexes(1000, 1)
    expect(new Set(order).size).toBe(1000)
    expect(Math.min(...order)).toBe(0)
    expect(Math.max(...order)).toBe(999)
  })

  it('withTimeout fails each slow job on its own deadline, measured from its own start', async () => {
    const { results } = await runWith(withTimeout(linear(), 40), 3, (i) => (i === 1 ? 1_000 : 25))
    expect(results.runs['s/0']?.error).toBeNull()
    expect(results.runs['s/1']?.error).toMatch(/job timeout of 40ms/)
    expect(results.runs['s/2']?.error).toBeNull() // 25ms each: a shared deadline would have failed it
  })
})
