import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import { WaitBuffer } from './wait-buffer.ts'

describe('WaitBuffer', () => {
  it('waitFor resolves on a later write and on earlier output', async () => {
    const buffer = new WaitBuffer()
    buffer.write('booting\n')
    await expect(buffer.waitFor('boot')).resolves.toMatchObject({ match: 'boot', index: 0 })
    const ready = buffer.waitFor(/listening on :(\d+)/)
    buffer.write('listening on ')
    buffer.write(Buffer.from(':8080\n'))
    await expect(ready).resolves.toMatchObject({ match: 'listening on :8080' })
  })

  it('waitForNth counts non-overlapping occurrences over the whole buffer, earlier output included', async () => {
    const buffer = new WaitBuffer()
    buffer.write('ping ping ')
    const third = buffer.waitForNth('ping', 3)
    buffer.write('pi')
    await sleep(1)
    expect(buffer.waiting).toBe(1) // 'ping ping pi' has only two
    buffer.write('ng')
    await expect(third).resolves.toMatchObject({ count: 3, index: 10 })
    await expect(buffer.waitForNth('aa', 2, { timeoutMs: 10 })).rejects.toThrow() // no 'aa' at all
    const overlap = new WaitBuffer()
    overlap.write('aaa')
    // 'aa' occurs once non-overlapping in 'aaa'; a second needs a fourth 'a'.
    const second = overlap.waitForNth('aa', 2)
    overlap.write('a')
    await expect(second).resolves.toMatchObject({ count: 2 })
  })

  it('decodes multibyte characters split across Buffer writes', async () => {
    const buffer = new WaitBuffer()
    const bytes = Buffer.from('héllo')
    buffer.write(bytes.subarray(0, 2))
    buffer.write(bytes.subarray(2))
    await expect(buffer.waitFor('héllo', { timeoutMs: 50 })).resolves.toMatchObject({ index: 0 })
  })

  it('waitForCond and waitForEvent see events, earlier ones included', async () => {
    const buffer = new WaitBuffer<{ type: string; n: number }>()
    buffer.push({ type: 'status', n: 1 })
    await expect(buffer.waitForEvent((e) => e.type === 'status')).resolves.toEqual({ type: 'status', n: 1 })
    const sum = buffer.waitForCond(({ events }) => {
      const total = events.reduce((acc, e) => acc + e.n, 0)
      return total >= 6 && total
    })
    buffer.push({ type: 'x', n: 2 })
    buffer.push({ type: 'x', n: 3 })
    await expect(sum).resolves.toBe(6)
  })

  it('serves many concurrent waiters from writes alone', async () => {
    const buffer = new WaitBuffer()
    const waiters = Array.from({ length: 1000 }, (_, i) => buffer.waitFor(`user-${i};`))
    expect(buffer.waiting).toBe(1000)
    for (let i = 999; i >= 0; i--) buffer.write(`user-${i};`)
    const matches = await Promise.all(waiters)
    expect(matches.map((m) => m.match)).toEqual(Array.from({ length: 1000 }, (_, i) => `user-${i};`))
    expect(buffer.waiting).toBe(0)
  })

  it('a timeout error names the pattern and shows the tail of the buffer', async () => {
    const buffer = new WaitBuffer({ name: 'agent output', tailChars: 20 })
    buffer.write(`${'x'.repeat(100)}last words here`)
    buffer.push({ kind: 'evt' })
    const err = await buffer.waitForNth('READY', 2, { timeoutMs: 20 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'SCALETEST_WAIT_TIMEOUT' })
    const message = (err as Error).message
    expect(message).toContain('agent output: timed out after 20ms waiting for occurrence 2 of READY (seen 0)')
    expect(message).toContain('…xxxxxlast words here')
    expect(message).not.toContain('x'.repeat(30))
    expect(message).toContain('{"kind":"evt"}')
  })

  it('an AbortSignal or close() rejects pending waits', async () => {
    const buffer = new WaitBuffer()
    const controller = new AbortController()
    const aborted = buffer.waitFor('never', { signal: controller.signal })
    controller.abort(new Error('test timeout'))
    await expect(aborted).rejects.toMatchObject({ code: 'SCALETEST_WAIT_ABORTED', message: /test timeout/ })
    const pending = buffer.waitForCond(() => false)
    buffer.close()
    await expect(pending).rejects.toMatchObject({ code: 'SCALETEST_WAIT_CLOSED' })
    await expect(buffer.waitFor('x')).rejects.toMatchObject({ code: 'SCALETEST_WAIT_CLOSED' })
  })

  it('takes piped process output through writable()', async () => {
    const buffer = new WaitBuffer({ name: 'child output' })
    const child = spawn(process.execPath, ['-e', 'console.log("step 1"); console.log("step 2")'])
    child.stdout.pipe(buffer.writable())
    await expect(buffer.waitForNth(/step \d/, 2, { timeoutMs: 5_000 })).resolves.toMatchObject({
      match: 'step 2',
    })
    await new Promise((resolve) => child.once('close', resolve))
  })

  it('rejects an empty pattern and a bad n', () => {
    const buffer = new WaitBuffer()
    expect(() => buffer.waitFor('')).toThrow(/empty string/)
    expect(() => buffer.waitForNth('a', 0)).toThrow(/integer >= 1/)
  })
})
