import { fork } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { Pool } from 'undici'

const REQUEST = JSON.stringify({
  model: 'scaletest-model',
  stream: true,
  stream_options: { include_usage: true },
  messages: [
    { role: 'system', content: 'You are a helpful assistant running inside a Coder workspace.' },
    { role: 'user', content: 'bench: reply with one short paragraph about load testing.' },
  ],
})
if (process.argv[2] === '--child') {
  const variant = process.argv[3]!
  const { startLlmMock, LlmMockEngine } = await import('@scaletest/mocks')
  let port: number
  if (variant === 'mock') port = (await startLlmMock({ responsePayloadSize: 80 })).port
  else {
    const engine = new LlmMockEngine({
      responsePayloadSize: 80,
      journalLimit: variant === 'nojournal' ? 0 : 1000,
    })
    const sample = engine.handle({
      method: 'POST',
      path: '/v1/chat/completions',
      search: '',
      headers: {},
      body: REQUEST,
    }) as any
    const all = Buffer.from(sample.bursts[0].data)
    const headers = {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': 'req_raw',
    }
    const server = createServer({ noDelay: true, keepAliveTimeout: 65000 }, (req, res) => {
      if (variant === 'raw') {
        req.resume()
        req.on('end', () => {
          res.writeHead(200, headers)
          res.end(all)
        })
        return
      }
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString()
        if (variant === 'body') {
          res.writeHead(200, headers)
          res.end(all)
          return
        }
        const o = engine.handle({
          method: 'POST',
          path: '/v1/chat/completions',
          search: '',
          headers: req.headers,
          body,
        }) as any
        res.writeHead(200, o.headers)
        res.end(o.bursts[0].data, o.release)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  }
  process.send!({ port })
  process.on('message', () => process.send!(process.cpuUsage()))
} else {
  const variants = ['raw', 'engine', 'nojournal', 'mock']
  const kids = await Promise.all(
    variants.map(async (v) => {
      const c = fork(import.meta.filename, ['--child', v])
      const { port } = await new Promise<any>((r) => c.once('message', r))
      return { v, c, port }
    }),
  )
  const cpu = (c: any) =>
    new Promise<any>((r) => {
      c.once('message', r)
      c.send('cpu')
    })
  const res: Record<string, number[]> = {}
  for (let round = 0; round < 4; round++)
    for (const k of kids) {
      const pool = new Pool(`http://127.0.0.1:${k.port}`, { connections: 64 })
      const run = async (ms: number) => {
        let n = 0
        const end = performance.now() + ms
        await Promise.all(
          Array.from({ length: 64 }, async () => {
            while (performance.now() < end) {
              const r = await pool.request({
                path: '/v1/chat/completions',
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: REQUEST,
              })
              for await (const _ of r.body) {
              }
              n++
            }
          }),
        )
        return n
      }
      await run(300)
      const a = await cpu(k.c)
      const n = await run(1500)
      const b = await cpu(k.c)
      ;(res[k.v] ??= []).push((b.user + b.system - a.user - a.system) / n)
      await pool.close()
    }
  for (const [v, xs] of Object.entries(res)) console.log(v.padEnd(8), xs.map((x) => x.toFixed(1)).join(' '))
  for (const k of kids) k.c.kill()
}
