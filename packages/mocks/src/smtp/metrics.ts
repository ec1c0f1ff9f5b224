import type { Mailbox } from './mailbox.ts'

/** Plain counters bumped on the hot path; rendered as Prometheus text only when scraped. */
export interface SmtpMockCounters {
  /** DATA transactions completed, whatever the reply. */
  received: number
  /** Messages stored and answered 250. */
  accepted: number
  /** DATA bytes received, including rejected messages. */
  bytes: number
  rejectedOversized: number
  rejectedFault: number
  droppedFault: number
  lookups: number
  sessions: number
  authenticated: number
}

export function createSmtpMockCounters(): SmtpMockCounters {
  return {
    received: 0,
    accepted: 0,
    bytes: 0,
    rejectedOversized: 0,
    rejectedFault: 0,
    droppedFault: 0,
    lookups: 0,
    sessions: 0,
    authenticated: 0,
  }
}

/** The `GET /metrics` body in the Prometheus text exposition format. */
export function renderSmtpMockMetrics(counters: SmtpMockCounters, mailbox: Mailbox): string {
  const purges = mailbox.purges
  const lines: string[] = []
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`)
  }
  metric('smtp_mock_messages_received_total', 'counter', 'DATA transactions completed.', [
    ['', counters.received],
  ])
  metric('smtp_mock_messages_accepted_total', 'counter', 'Messages stored and answered 250.', [
    ['', counters.accepted],
  ])
  metric('smtp_mock_messages_rejected_total', 'counter', 'Messages refused, by reason.', [
    ['{reason="oversized"}', counters.rejectedOversized],
    ['{reason="fault"}', counters.rejectedFault],
  ])
  metric('smtp_mock_connections_dropped_total', 'counter', 'Connections dropped by fault injection.', [
    ['', counters.droppedFault],
  ])
  metric('smtp_mock_received_bytes_total', 'counter', 'DATA bytes received.', [['', counters.bytes]])
  metric('smtp_mock_sessions_total', 'counter', 'SMTP connections accepted.', [['', counters.sessions]])
  metric('smtp_mock_auth_total', 'counter', 'Successful AUTH commands (every credential is accepted).', [
    ['', counters.authenticated],
  ])
  metric('smtp_mock_messages_stored', 'gauge', 'Messages currently held.', [['', mailbox.size]])
  metric('smtp_mock_purges_total', 'counter', 'Purges, by trigger.', [
    ['{trigger="manual"}', purges.manual],
    ['{trigger="auto"}', purges.auto],
  ])
  metric('smtp_mock_lookups_total', 'counter', 'GET /messages requests answered.', [['', counters.lookups]])
  return `${lines.join('\n')}\n`
}
