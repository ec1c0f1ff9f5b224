// The trivial target of bench/harness-http.bench.ts, in its own process: prints its port, then
// answers every request with a short body until stdin closes (the bench exits or dies).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const server = createServer((_req, res) => {
  res.end('ok')
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  console.log((server.address() as AddressInfo).port)
})
process.stdin.resume()
process.stdin.on('end', () => {
  server.closeAllConnections()
  server.close()
})
