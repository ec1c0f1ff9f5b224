// The image's HEALTHCHECK: GET /healthz on each TCP port this container listens on; healthy when
// one answers 200. Reading the listeners from /proc/net/tcp{,6} makes the check independent of the
// subcommand and of the ports chosen by flags. SCALETEST_HEALTHCHECK_URL overrides the discovery.
import { readFileSync } from 'node:fs'

const LISTEN_STATE = '0A'
const TIMEOUT_MS = 2_000

/**
 * Parses /proc/net/tcp or tcp6 text into `host:port` of each listener (LISTEN state), each once.
 * Wildcard and IPv6 listeners are reached on 127.0.0.1; an IPv4 address is decoded (it is
 * little-endian hex in /proc).
 */
export function listeningAddresses(procNetTcp: string): string[] {
  const addresses = new Set<string>()
  for (const line of procNetTcp.split('\n')) {
    const fields = line.trim().split(/\s+/)
    const local = fields[1]
    if (fields[3] !== LISTEN_STATE || !local?.includes(':')) continue
    const [hexHost = '', hexPort = ''] = local.split(':')
    const port = Number.parseInt(hexPort, 16)
    if (!Number.isInteger(port) || port <= 0) continue
    addresses.add(`${decodeIpv4(hexHost) ?? '127.0.0.1'}:${port}`)
  }
  return [...addresses]
}

function decodeIpv4(hex: string): string | undefined {
  if (hex.length !== 8 || hex === '00000000') return undefined
  const bytes = hex.match(/../g)!.map((byte) => Number.parseInt(byte, 16))
  return bytes.reverse().join('.')
}

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
    await response.body?.cancel()
    return response.status === 200
  } catch {
    return false
  }
}

export async function runHealthcheck(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = console.log,
): Promise<number> {
  const urls = env.SCALETEST_HEALTHCHECK_URL
    ? [env.SCALETEST_HEALTHCHECK_URL]
    : listeningAddresses(`${readProc('/proc/net/tcp')}\n${readProc('/proc/net/tcp6')}`).map(
        (address) => `http://${address}/healthz`,
      )
  // The first 200 decides: an SMTP port answers an HTTP probe with nothing until the timeout.
  const ok = await Promise.any(urls.map(async (url) => (await healthy(url)) || Promise.reject())).catch(
    () => false,
  )
  log(ok ? 'healthy' : `unhealthy: no 200 from ${urls.join(', ') || 'any listening port'}`)
  return ok ? 0 : 1
}

if (process.argv[1]?.endsWith('healthcheck.mjs')) {
  process.exit(await runHealthcheck()) // without waiting for probes still open on other ports
}
