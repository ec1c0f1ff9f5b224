import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import { BarrierError } from '../errors.ts'
import { Barrier } from './barrier.ts'

describe('Barrier', () => {
  it('keeps each resolved wait and how long the barrier took to open, for the report', async () => {
    const barrier = new Barrier(2, { name: 'dial' })
    const first = barrier.arriveAndWait()
    await sleep(30)
    await Promise.all([first, barrier.arriveAndWait()])
    await barrier.wait() // already open: waits 0
    const stats = barrier.stats()
    expect(stats).toMatchObject({ name: 'dial', size: 2, arrived: 2, left: 0, state: 'open' })
    expect(stats.wait_ms).toHaveLength(3)
    expect(stats.wait_ms[0]).toBeGreaterThanOrEqual(20)
    expect(stats.wait_ms[2]).toBe(0)
    expect(stats.opened_after_ms).toBeGreaterThanOrEqual(20)
    expect(new Barrier(1).stats()).toMatchObject({ state: 'waiting', opened_after_ms: null, wait_ms: [] })
  })

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

describe('BarrierParty', () => {
  it('arrive() counts once; a party disposed before arriving leaves, and the barrier opens without it', async () => {
    const barrier = new Barrier(3, { name: 'dialed' })
    const order: string[] = []
    const run = async (i: number, fail: boolean) => {
      using party = barrier.join()
      await sleep(i * 5)
      if (fail) throw new Error(`runner ${i} failed`)
      party.arrive()
      party.arrive() // counted once
      await party.wait()
      order.push(`released ${i}`)
    }
    const runs = [run(0, false), run(1, true), run(2, false)]
    const results = await Promise.allSettled(runs)
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(order.sort()).toEqual(['released 0', 'released 2'])
    expect(barrier).toMatchObject({ state: 'open', arrived: 2, left: 1, remaining: 0 })
  })

  it('a party whose run signal aborts leaves by itself; one that arrived stays counted', async () => {
    const barrier = new Barrier(3)
    const first = new AbortController()
    const second = new AbortController()
    const arrived = barrier.join(first.signal)
    const aborted = barrier.join(second.signal)
    arrived.arrive()
    first.abort('late abort') // after arrive(): nothing changes
    expect(arrived.state).toBe('arrived')
    const waiting = barrier.wait()
    second.abort(new Error('SIGINT'))
    expect(aborted.state).toBe('left')
    aborted.arrive() // a party that left cannot arrive
    expect(barrier).toMatchObject({ state: 'waiting', arrived: 1, left: 1, remaining: 1 })
    const third = barrier.join(AbortSignal.abort('already aborted'))
    expect(third.state).toBe('left')
    await expect(waiting).resolves.toBeUndefined()
    expect(barrier).toMatchObject({ arrived: 1, left: 2 })
  })

  it('leave() after the barrier failed is harmless; joining more parties than size is a bug', async () => {
    const barrier = new Barrier(1)
    const party = barrier.join()
    barrier.fail(new Error('setup failed'))
    await expect(party.wait()).rejects.toMatchObject({ code: 'SCALETEST_BARRIER_FAILED' })
    expect(() => party[Symbol.dispose]()).not.toThrow()

    const full = new Barrier(1)
    full.join().arrive()
    expect(() => full.join().leave()).toThrow(/leave\(\) called 2 times for a barrier of size 1/)
  })
})
