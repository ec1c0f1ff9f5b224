import { createTransport, type Transporter } from 'nodemailer'

import { parseAddress } from '../../shared/listen.ts'

export interface SmtpDispatcherOptions {
  /** `HOST:PORT` of the smarthost (CODER_EMAIL_SMARTHOST). */
  smarthost: string
  /** EHLO name (CODER_EMAIL_HELLO). */
  hello: string
  /** Concurrent SMTP connections. Real Coder dials one per message; a pool keeps 1,000-recipient fan-outs cheap. */
  maxConnections: number
}

/** Sends pre-formatted raw messages; nodemailer must not rewrite Coder's headers, so `raw` is used as-is. */
export class SmtpDispatcher {
  #transport: Transporter

  constructor(options: SmtpDispatcherOptions) {
    const { host, port } = parseAddress(options.smarthost)
    this.#transport = createTransport({
      host,
      port,
      secure: port === 465,
      ignoreTLS: port !== 465,
      name: options.hello,
      pool: true,
      maxConnections: options.maxConnections,
      maxMessages: Number.POSITIVE_INFINITY,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
    })
  }

  async send(from: string, to: string, raw: string): Promise<void> {
    await this.#transport.sendMail({ envelope: { from, to: [to] }, raw })
  }

  close(): void {
    this.#transport.close()
  }
}
