import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import { HarnessError } from '../errors.ts'
import type { HttpClient } from '../http/http-client.ts'
import { SharedHttpPool } from '../http/shared-pool.ts'
import type { Runner } from './runner.ts'
import { concurrent, linear, parallel } from './strategies.ts'
import { TestHarness } from './test-harness.ts'

const pass: Runner = { run: () => {} }

describe('TestHarness', () => {
  it('rejects a duplicate full id and adds after the run started', async () => {
    const harness = new TestHarness()
    harness.add('users', 1, pass)
    harness.add('workspaces', 1, pass) // same id, different test name: fine
    expect(() => harness.add('users', '1', pass)).toThrow(/duplicate run users\/1/)
    const running = harness.run()
    expect(() => harness.add('users', 2, pass)).toThrowError(HarnessError)
    expect(() => harness.add('users', 2, pass)).toThrow(/already started/)
    expect(() => harness.run()).toThrow(/already called/)
    await running
  })

  it('turns throws, rejections and non-Error values into failures while other runs go on', async () => {
    const harness = new TestHarness()
    harness.add('t', 'throws', {
      run: ({ log }) => {
        log('about to fail with %d', 42)
        throw new Error('boom', { cause: new Error('ECONNREFUSED') })
      },
    })
    harness.add('t', 'rejects', { run: async () => Promise.reject('plain string') })
    harness.add('t', 'passes', {
      run: async ({ log }) => log('fine'),
      metrics: () => ({ bytes: 7, label: 'x' }),
    })
    const results = await harness.run(concurrent())
    expect(results).toMatchObject({ total_runs: 3, total_pass: 1, total_fail: 2, total_dropped: 0 })
    expect(results.runs['t/throws']?.error).toBe('boom: ECONNREFUSED')
    expect(results.runs['t/throws']?.logs).toMatch(/about to fail with 42\n.*run failed: boom/)
    expect(results.runs['t/rejects']?.error).toBe('plain string')
    const ok = results.runs['t/passes']!
    expect(ok).toMatchObject({
      full_id: 't/passes',
      test_name: 't',
      id: 'passes',
      error: null,
      metrics: { bytes: 7 },
    })
    expect(ok.logs).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z fine\n$/)
    expect(Date.parse(ok.started_at)).not.toBeNaN()
    expect(ok.duration).toMatch(/^[\d.]+(ns|µs|ms|s)$/)
    expect(results.elapsed_ms).toBeGreaterThanOrEqual(0)
  })

  it('records duration and start time of each run', async () => {
    const harness = new TestHarness()
    harness.add('t', 'slow', { run: () => sleep(60) })
    const before = Date.now()
    const results = await harness.run()
    const run = results.runs['t/slow']!
    expect(run.duration_ms).toBeGreaterThanOrEqual(55)
    expect(Date.parse(run.started_at)).toBeGreaterThanOrEqual(before - 5)
    expect(results.elapsed_ms).toBeGreaterThanOrEqual(55)
  })

  it('cleans up only runs that started, and cleanup failures never mask run failures', async () => {
    const cleaned: string[] = []
    const controller = new AbortController()
    const harness = new TestHarness({ signal: controller.signal })
    const runner = (id: string, run: Runner['run'], failCleanup = false): Runner => ({
      run,
      cleanup: ({ fullId }) => {
        cleaned.push(fullId)
        if (failCleanup) throw new Error(`could not delete ${id}`)
      },
    })
    harness.add(
      't',
      'a',
      runner('a', () => {}),
    )
    harness.add(
      't',
      'b',
      runner('b', () => Promise.reject(new Error('run b failed')), true),
    )
    harness.add(
      't',
      'c',
      runner('c', ({ signal }) => sleep(10_000, undefined, { signal })),
    )
    harness.add(
      't',
      'd',
      runner('d', () => {}),
    )
    const running = harness.run(linear())
    await sleep(30)
    controller.abort(new Error('SIGINT'))
    const results = await running
    expect(results.runs['t/b']?.error).toBe('run b failed')
    expect(results.runs['t/c']?.error).toMatch(/run interrupted: SIGINT/)
    expect(results.runs['t/d']?.error).toMatch(/not started: .*SIGINT/)
    const cleanup = await harness.cleanup()
    expect(cleaned).toEqual(['t/a', 't/b', 't/c']) // d never started: no cleanup
    expect(cleanup).toMatchObject({ total: 3, total_fail: 1, errors: { 't/b': 'could not delete b' } })
    expect(harness.results().runs['t/b']?.error).toBe('run b failed')
    expect(harness.results().cleanup?.total_fail).toBe(1)
    expect(await harness.cleanup()).toBe(cleanup) // idempotent
  })

  it('fails a run that exceeds its job timeout even if it ignores its signal', async () => {
    const harness = new TestHarness({ jobTimeoutMs: 50 })
    harness.add('t', 'stuck', { run: () => new Promise<void>(() => {}) })
    harness.add('t', 'quick', pass)
    const results = await harness.run(parallel(2))
    expect(results.runs['t/stuck']?.error).toMatch(/job timeout of 50ms/)
    expect(results.runs['t/quick']?.error).toBeNull()
  })

  it('stops the whole run at its timeout and still cleans up interrupted runs', async () => {
    const cleaned: string[] = []
    const harness = new TestHarness({ timeoutMs: 50 })
    for (const id of ['x', 'y']) {
      harness.add('t', id, {
        run: ({ signal }) => sleep(5_000, undefined, { signal }),
        cleanup: ({ fullId }) => void cleaned.push(fullId),
      })
    }
    const results = await harness.run(concurrent())
    expect(results.total_fail).toBe(2)
    expect(results.runs['t/x']?.error).toMatch(/harness timeout of 50ms exceeded/)
    await harness.cleanup()
    expect(cleaned.sort()).toEqual(['t/x', 't/y'])
  })

  it('abort() interrupts runs; cleanup waits for run() and times out a stuck cleanup', async () => {
    const harness = new TestHarness()
    harness.add('t', 'a', {
      run: ({ signal }) => sleep(5_000, undefined, { signal }),
      cleanup: () => new Promise<void>(() => {}),
    })
    const running = harness.run()
    await sleep(10)
    harness.abort('test timed out')
    const cleanup = await harness.cleanup({ jobTimeoutMs: 30 })
    expect((await running).runs['t/a']?.error).toMatch(/run interrupted: test timed out/)
    expect(cleanup.errors['t/a']).toMatch(/job timeout of 30ms/)
  })

  it('gives each run its own log buffer that it can wait on and redacts secrets', async () => {
    const teed: string[] = []
    const harness = new TestHarness({
      secrets: ['hunter2-token'],
      http: { sessionToken: 'session-abcdef' },
      onLog: (id, line) => teed.push(`${id} ${line}`),
    })
    harness.add('t', '1', {
      run: async ({ log, logs, http }) => {
        logs.write('raw output\n')
        log('token is %s', 'hunter2-token')
        http({ sessionToken: 'minted-123456' }) // a token minted during the run is redacted too
        log('session %s, minted %s', 'session-abcdef', 'minted-123456')
        await logs.waitFor('raw output')
      },
    })
    const results = await harness.run()
    expect(results.runs['t/1']?.error).toBeNull()
    expect(results.runs['t/1']?.logs).toContain('raw output\n')
    expect(results.runs['t/1']?.logs).toContain('token is [REDACTED]')
    expect(results.runs['t/1']?.logs).toContain('session [REDACTED], minted [REDACTED]')
    expect(results.runs['t/1']?.logs).not.toMatch(/hunter2|abcdef|123456/)
    expect(teed).toHaveLength(2)
    expect(teed[0]).toBe('t/1 token is [REDACTED]')
  })

  it('reports metrics() failures as a metric, not as a run failure', async () => {
    const harness = new TestHarness()
    harness.add('t', '1', {
      run: () => {},
      metrics: () => {
        throw new Error('no metrics')
      },
    })
    const results = await harness.run()
    expect(results.runs['t/1']).toMatchObject({ error: null, metrics: { metrics_error: 'no metrics' } })
  })

  it('gives each run its own HTTP client, shared by its run and cleanup, closed after cleanup', async () => {
    const ports: Record<string, number[]> = {}
    const server = createServer((req, res) => {
      const id = String(req.headers['x-run'])
      ports[id] = [...(ports[id] ?? []), req.socket.remotePort!]
      res.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const clients: HttpClient[] = []
    const harness = new TestHarness({ http: { baseUrl } })
    for (const id of ['a', 'b']) {
      harness.add('t', id, {
        run: async ({ http }) => {
          clients.push(http({ headers: { 'x-run': id } }))
          await (await http({ headers: { 'x-run': id } }).request('/')).body.text()
        },
        cleanup: async ({ http }) => {
          await (await http({ headers: { 'x-run': id } }).request('/')).body.text()
        },
      })
    }
    try {
      expect(await harness.run(concurrent())).toHaveProperty('total_pass', 2)
      expect((await harness.cleanup()).total_fail).toBe(0)
      expect(ports.a).toHaveLength(2)
      expect(new Set(ports.a).size).toBe(1) // run and cleanup reuse the run's connection
      expect(ports.b?.[0]).not.toBe(ports.a?.[0]) // another run, another connection
      await expect(clients[0]!.request('/')).rejects.toThrow() // closed after cleanup
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('reuses the client for the same dispatcher or callback (by identity) and makes another for a different one', async () => {
    const pool = new SharedHttpPool({ connections: 2 })
    const other = new SharedHttpPool({ connections: 2 })
    const onRetry = () => {}
    const seen: HttpClient[][] = []
    const harness = new TestHarness({ http: { baseUrl: 'http://127.0.0.1:1' } })
    harness.add('t', 1, {
      run: ({ http }) => {
        const loop = Array.from({ length: 100 }, () => http({ dispatcher: pool.agent, onRetry }))
        seen.push(
          loop,
          [http({ dispatcher: pool.agent })],
          [http({ dispatcher: other.agent, onRetry })],
          [http({ dispatcher: pool.agent, onRetry: () => {} })],
        )
      },
    })
    try {
      expect(await harness.run()).toHaveProperty('total_pass', 1)
      const [loop, noCallback, otherPool, otherCallback] = seen
      expect(new Set(loop).size).toBe(1) // one client for 100 calls, not 100
      const first = loop![0]!
      expect(first.dispatcher).toBe(pool.agent)
      for (const client of [noCallback![0], otherPool![0], otherCallback![0]]) expect(client).not.toBe(first)
      expect(otherPool![0]!.dispatcher).toBe(other.agent)
      await harness.cleanup()
    } finally {
      await pool.close()
      await other.close()
    }
  })

  it('results() before run() is a clear error', () => {
    expect(() => new TestHarness().results()).toThrow(/await harness.run\(\) first/)
  })
})
