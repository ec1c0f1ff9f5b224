import { parseArgs } from 'node:util'

import { FAULT_REJECT_CODES, type FaultRejectCode } from './faults.ts'
import { startSmtpMock } from './smtp-mock.ts'

const HELP = `usage: scaletest-mocks smtp [flags]

SMTP sink with an HTTP API for captured notification emails (Coder's \`scaletest smtp\`).

flags:
  --host HOST                 interface for SMTP and API (default 127.0.0.1; 0.0.0.0 in containers)
                              alias --host-address, env CODER_SCALETEST_SMTP_HOST_ADDRESS
  --port PORT                 SMTP port, 0 = free port (default 0)
                              alias --smtp-port, env CODER_SCALETEST_SMTP_PORT
  --api-port PORT             HTTP API port, 0 = free port (default 0), env CODER_SCALETEST_SMTP_API_PORT
  --purge-at-count N          purge everything when N messages are stored (default 100000, 0 = never)
                              env CODER_SCALETEST_SMTP_PURGE_AT_COUNT
  --max-message-size BYTES    larger messages get 552 (default 10485760)
  --fault-reject-rate R       share 0..1 of messages refused with --fault-reject-code (default 0)
  --fault-reject-code CODE    ${FAULT_REJECT_CODES.join('|')} (default 451)
  --fault-drop-rate R         share 0..1 of messages whose connection is dropped after DATA (default 0)
  --fault-data-delay-ms MS    delay before the reply to DATA (default 0)
  --fault-seed N              seed of the fault dice (default 1)
  -h, --help                  print this help

API: GET /messages?email=ADDR, GET /messages, POST /purge, GET /healthz, GET /metrics`

function integer(
  name: string,
  raw: string | undefined,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new Error(`--${name} must be an integer from 0 to ${max}, got '${raw}'`)
  return value
}

function rate(name: string, raw: string | undefined): number {
  if (raw === undefined) return 0
  const value = Number(raw)
  if (raw === '' || !(value >= 0 && value <= 1))
    throw new Error(`--${name} must be a number from 0 to 1, got '${raw}'`)
  return value
}

/** `scaletest-mocks smtp`: starts the mock, prints its two listen lines, returns its closer. */
export async function runSmtpCli(argv: string[]): Promise<{ close(): Promise<void> }> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      'host-address': { type: 'string' },
      port: { type: 'string' },
      'smtp-port': { type: 'string' },
      'api-port': { type: 'string' },
      'purge-at-count': { type: 'string' },
      'max-message-size': { type: 'string' },
      'fault-reject-rate': { type: 'string' },
      'fault-reject-code': { type: 'string' },
      'fault-drop-rate': { type: 'string' },
      'fault-data-delay-ms': { type: 'string' },
      'fault-seed': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(HELP)
    return { close: async () => {} }
  }
  const env = process.env
  const host = values.host ?? values['host-address'] ?? env.CODER_SCALETEST_SMTP_HOST_ADDRESS ?? '127.0.0.1'
  const smtpPort = integer(
    'port',
    values.port ?? values['smtp-port'] ?? env.CODER_SCALETEST_SMTP_PORT,
    0,
    65_535,
  )
  const apiPort = integer('api-port', values['api-port'] ?? env.CODER_SCALETEST_SMTP_API_PORT, 0, 65_535)
  const purgeAtCount = integer(
    'purge-at-count',
    values['purge-at-count'] ?? env.CODER_SCALETEST_SMTP_PURGE_AT_COUNT,
    100_000,
  )
  const maxMessageBytes = integer('max-message-size', values['max-message-size'], 10 * 1024 * 1024)
  if (maxMessageBytes === 0) throw new Error('--max-message-size must be at least 1')
  const rejectCode = integer('fault-reject-code', values['fault-reject-code'], 451)
  if (!FAULT_REJECT_CODES.includes(rejectCode as FaultRejectCode))
    throw new Error(`--fault-reject-code must be one of ${FAULT_REJECT_CODES.join(', ')}, got ${rejectCode}`)

  const mock = await startSmtpMock({
    host,
    smtpPort,
    apiPort,
    purgeAtCount,
    maxMessageBytes,
    faults: {
      rejectRate: rate('fault-reject-rate', values['fault-reject-rate']),
      rejectCode: rejectCode as FaultRejectCode,
      dropRate: rate('fault-drop-rate', values['fault-drop-rate']),
      dataDelayMs: integer('fault-data-delay-ms', values['fault-data-delay-ms'], 0),
      seed: integer('fault-seed', values['fault-seed'], 1),
    },
    log: (line) => console.log(line),
  })
  console.log(`smtp mock listening on ${mock.smtpUrl}`)
  console.log(`smtp mock API listening on ${mock.apiUrl}`)
  if (purgeAtCount > 0) console.log(`smtp mock: auto-purge when the message count reaches ${purgeAtCount}`)
  return { close: () => mock.close() }
}
