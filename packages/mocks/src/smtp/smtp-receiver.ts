import type { Socket } from 'node:net'

import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'

import { createFaultDice, type SmtpFaults } from './faults.ts'
import type { Mailbox } from './mailbox.ts'
import type { SmtpMockCounters } from './metrics.ts'
import { parseMessage } from './parse-message.ts'

export interface SmtpReceiverOptions {
  mailbox: Mailbox
  counters: SmtpMockCounters
  faults: Required<SmtpFaults>
  /** Largest accepted message in bytes; bigger ones get 552 after their data is drained. */
  maxMessageBytes: number
  /** Idle time before the server closes a session with 421, in ms. */
  socketTimeoutMs: number
}

export interface SmtpReceiver {
  server: SMTPServer
  /** Destroys every open SMTP socket, so close() never waits for a client to say QUIT. */
  destroySockets(): void
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code })
}

/**
 * An smtp-server that accepts any sender and recipient, with or without AUTH (any credential),
 * pipelining and SIZE, and stores each message in the mailbox under its envelope recipients.
 * STARTTLS is not offered: a mock has no certificate a client would trust.
 */
export function createSmtpReceiver(options: SmtpReceiverOptions): SmtpReceiver {
  const { mailbox, counters, faults, maxMessageBytes } = options
  const roll = createFaultDice(faults)
  const sockets = new Set<Socket>()

  const server: SMTPServer = new SMTPServer({
    name: 'scaletest-smtp-mock',
    banner: 'scaletest smtp mock',
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size: maxMessageBytes,
    rejectOversized: true,
    socketTimeout: options.socketTimeoutMs,
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      counters.sessions++
      callback()
    },
    onAuth(auth, _session, callback) {
      counters.authenticated++
      callback(null, { user: auth.username ?? 'anonymous' })
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => {
        // Keep draining an oversized message (the client is still sending) but stop buffering it.
        if (!stream.sizeExceeded) chunks.push(chunk)
      })
      // A client that vanishes mid-DATA errors the stream; smtp-server drops the session itself.
      stream.once('error', () => {})
      stream.once('end', () => {
        counters.received++
        counters.bytes += stream.byteLength
        if (stream.sizeExceeded) {
          counters.rejectedOversized++
          callback(smtpError(552, `message exceeds fixed maximum message size ${maxMessageBytes}`))
          return
        }
        const decision = roll()
        const reply = () => {
          if (decision.kind === 'drop') {
            counters.droppedFault++
            dropConnection(server, session)
            return
          }
          if (decision.kind === 'reject') {
            counters.rejectedFault++
            callback(
              smtpError(decision.code, `scaletest smtp mock: injected fault ${decision.code}, try again`),
            )
            return
          }
          const recipients = session.envelope.rcptTo.map((r) => r.address)
          const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
          mailbox.add(recipients, parseMessage(raw))
          counters.accepted++
          callback(null, 'OK: message queued')
        }
        if (faults.dataDelayMs > 0) setTimeout(reply, faults.dataDelayMs)
        else reply()
      })
    },
  })
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  // A socket error (client reset mid-session) is the client's problem, never a crash.
  server.on('error', () => {})

  return {
    server,
    destroySockets() {
      for (const socket of sockets) socket.destroy()
      sockets.clear()
    },
  }
}

function dropConnection(server: SMTPServer, session: SMTPServerSession): void {
  for (const connection of server.connections) {
    if (connection.session === session) {
      connection._socket.destroy()
      return
    }
  }
}
