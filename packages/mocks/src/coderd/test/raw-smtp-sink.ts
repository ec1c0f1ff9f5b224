// Test helper: a bare smtp-server sink that keeps raw messages and can refuse the first N with 451.
import { SMTPServer } from 'smtp-server'

import { listen } from '../../shared/listen.ts'

export interface RawMessage {
  from: string
  to: string[]
  raw: string
  hello: string
}

export async function startRawSmtpSink(options: { refuseFirst?: number } = {}) {
  const messages: RawMessage[] = []
  let refusals = options.refuseFirst ?? 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--
          const error = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 })
          callback(error)
          return
        }
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          hello: session.hostNameAppearsAs,
        })
        callback()
      })
    },
  })
  const listening = await listen(server.server)
  return { address: `127.0.0.1:${listening.port}`, messages, close: () => listening.close() }
}
