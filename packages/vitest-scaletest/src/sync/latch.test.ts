import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import { Latch } from './latch.ts'

describe('Latch', () => {
  it('wakes every waiter, earlier and later, with the one value it was set to', async () => {
    const latch = new Latch<number>({ name: 'trigger' })
    const woken: number[] = []
    const early = [0, 1, 2].map((i) => latch.wait().then((v) => woken.push(v + i)))
    await sleep(5)
    expect(latch.state).toBe('pending')
    expect(woken).toEqual([])
    expect(latch.set(100)).toBe(true)
    expect(latch.set(200)).toBe(false) // set once
    expect(latch.fail(new Error('too late'))).toBe(false)
    await Promise.all(early)
    expect(woken.sort()).toEqual([100, 101, 102])
    await expect(latch.wait({ timeoutMs: 10 })).resolves.toBe(100)
    expect(latch).toMatchObject({ state: 'set', value: 100 })
  })

  it('fail() rejects current and future waits with its error', async () => {
    const latch = new Latch<string>()
    const waiting = latch.wait({ timeoutMs: 60_000 })
    const error = new Error('trigger failed: 503')
    latch.fail(error)
    await expect(waiting).rejects.toBe(error)
    await expect(latch.wait()).rejects.toBe(error)
    expect(latch.state).toBe('failed')
    expect(latch.set('x')).toBe(false)
  })

  it('a signal or timeout gives up one wait and leaves the latch usable', async () => {
    const latch = new Latch<number>({ name: 'trigger' })
    await expect(latch.wait({ timeoutMs: 20 })).rejects.toMatchObject({
      code: 'SCALETEST_WAIT_TIMEOUT',
      message: 'trigger: not set after 20ms',
    })
    const controller = new AbortController()
    const aborted = latch.wait({ signal: controller.signal })
    controller.abort(new Error('SIGINT'))
    await expect(aborted).rejects.toMatchObject({ code: 'SCALETEST_WAIT_ABORTED', message: /SIGINT/ })
    await expect(latch.wait({ signal: AbortSignal.abort('gone') })).rejects.toMatchObject({
      code: 'SCALETEST_WAIT_ABORTED',
    })
    const later = latch.wait({ signal: new AbortController().signal })
    latch.set(7)
    await expect(later).resolves.toBe(7)
  })
})
