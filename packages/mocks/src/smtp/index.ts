export type { ApiResponse, SmtpApiState } from './api.ts'
export { createSmtpApiHandlers } from './api-handlers.ts'
export {
  buildCoderEmail,
  type CoderEmailOptions,
  encodeQuotedPrintable,
  formatRfc1123z,
} from './coder-email.ts'
export { FAULT_REJECT_CODES, type FaultRejectCode, InvalidFaultError, type SmtpFaults } from './faults.ts'
export { Mailbox, type MailboxOptions, type MessageSummary, NIL_UUID, ZERO_TIME } from './mailbox.ts'
export { createSmtpMockCounters, renderSmtpMockMetrics, type SmtpMockCounters } from './metrics.ts'
export { type ParsedMessage, parseMessage } from './parse-message.ts'
export { dataPayload, RawSmtpClient } from './raw-smtp-client.ts'
export { type SmtpMockOptions, type StartedSmtpMock, startSmtpMock } from './smtp-mock.ts'
