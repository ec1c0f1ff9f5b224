import { createServer } from 'node:http'

import { afterEach, describe, expect, it } from 'vitest'

import { listen } from '../shared/listen.ts'
import { listeningAddresses, runHealthcheck } from './healthcheck.ts'

// Lines in the shape of /proc/net/tcp: 0A is LISTEN, 01 ESTABLISHED; addresses are little-endian hex.
const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0
   1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 100 0 0 10 0
   2: 0200A8C0:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 3 1 0 100 0 0 10 0
   3: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4 1 0 100 0 0 10 0
   4: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5 1 0 100 0 0 10 0`

describe('listeningAddresses', () => {
  it('lists each listener once, wildcards on 127.0.0.1, and skips connected sockets', () => {
    expect(listeningAddresses(PROC_NET_TCP)).toEqual(['127.0.0.1:8080', '127.0.0.1:8081', '192.168.0.2:3000'])
  })

  it('reads IPv6 listeners (tcp6) on 127.0.0.1 and ignores garbage', () => {
    const tcp6 = '0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 0'
    expect(listeningAddresses(`${tcp6}\nnot a line\n`)).toEqual(['127.0.0.1:3000'])
  })
})

describe('runHealthcheck', () => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => close?.())

  it('is healthy on a 200 from /healthz and unhealthy otherwise', async () => {
    let status = 200
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? status : 404
      res.end()
    })
    const listening = await listen(server)
    close = listening.close
    const env = { SCALETEST_HEALTHCHECK_URL: `http://127.0.0.1:${listening.port}/healthz` }
    const lines: string[] = []
    expect(await runHealthcheck(env, (line) => lines.push(line))).toBe(0)
    status = 503
    expect(await runHealthcheck(env, (line) => lines.push(line))).toBe(1)
    expect(lines).toEqual(['healthy', `unhealthy: no 200 from ${env.SCALETEST_HEALTHCHECK_URL}`])
  })
})
