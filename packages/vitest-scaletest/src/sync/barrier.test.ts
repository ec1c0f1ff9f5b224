import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import { BarrierError } from '../errors.ts'
import { Barrier } from './barrier.ts'

describe('Barrier', () => {
  it('opens once every party arrived, and reports how many did', async () => {
    const barrier = new Barrier(3, { name: 'dialed' })
    const released: number[] = []
    const parties = [0, 1, 2].map(async (i) => {
      await sleep(i * 10)
      await barrier.arriveAndWait()
      released.push(i)
    })
    await sleep(5)
    expect(barrier.arrived).toBe(1)
    expect(barrier.remaining).toBe(2)
    expect(barrier.state).toBe('waiting')
    expect(released).toEqual([])
    await Promise.all(parties)
    expect(released.sort()).toEqual([0, 1, 2])
    expect(barrier.state).toBe('open')
    await expect(barrier.wait()).resolves.toBeUndefined() // later waiters pass straight through
  })

  it('a party that fails releases every waiter with an error instead of hanging them', async () => {
    const barrier = new Barrier(4, { name: 'setup' })
    const waiters = [0, 1].map(() => barrier.arriveAndWait())
    barrier.fail(new Error('runner 3: dial refused'))
    for (const waiter of waiters) {
      await expect(waiter).rejects.toMatchObject({
        code: 'SCALETEST_BARRIER_FAILED',
        message: 'setup: failed with 2/4 arrived: runner 3: dial refused',
      })
    }
    await expect(barrier.wait()).rejects.toBeInstanceOf(BarrierError)
    expect(barrier.state).toBe('failed')
    expect(() => barrier.done()).not.toThrow() // a deferred done() after failure is harmless
  })

  it('cancel() and the owner signal release waiters', async () => {
    const barrier = new Barrier(2)
    const waiting = barrier.wait()
    barrier.cancel('test finished')
    await expect(waiting).rejects.toMatchObject({
      code: 'SCALETEST_BARRIER_ABORTED',
      message: /test finished/,
    })

    const controller = new AbortController()
    const owned = new Barrier(2, { signal: controller.signal })
    const pending = owned.wait()
    controller.abort(new Error('SIGINT'))
    await expect(pending).rejects.toMatchObject({ code: 'SCALETEST_BARRIER_ABORTED', message: /SIGINT/ })
  })

  it('a barrier timeout fails it for everyone, counted from the first wait', async () => {
    const barrier = new Barrier(3, { timeoutMs: 40 })
    await sleep(60) // no one waits yet: the clock has not started
    barrier.done()
    const a = barrier.wait()
    const b = barrier.wait()
    await expect(a).rejects.toMatchObject({ code: 'SCALETEST_BARRIER_TIMEOUT', message: /1\/3 arrived/ })
    await expect(b).rejects.toMatchObject({ code: 'SCALETEST_BARRIER_TIMEOUT' })
  })

  it('a per-wait timeout or signal gives up only that wait', async () => {
    const barrier = new Barrier(2)
    await expect(barrier.wait({ timeoutMs: 20 })).rejects.toMatchObject({ code: 'SCALETEST_BARRIER_TIMEOUT' })
    const controller = new AbortController()
    const aborted = barrier.wait({ signal: controller.signal })
    controller.abort('gave up')
    await expect(aborted).rejects.toMatchObject({ code: 'SCALETEST_BARRIER_ABORTED' })
    expect(barrier.state).toBe('waiting')
    const later = barrier.wait()
    barrier.done()
    barrier.done()
    await expect(later).resolves.toBeUndefined()
  })

  it('arriving more than size times is a bug', () => {
    const barrier = new Barrier(1)
    barrier.done()
    expect(() => barrier.done()).toThrow(/done\(\) called 2 times for a barrier of size 1/)
    expect(() => new Barrier(-1)).toThrow(/size must be an integer/)
  })
})
