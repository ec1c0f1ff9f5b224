export { LlmMockEngine, type MockRequest } from './engine.ts'
export { createLlmHandlers, type LlmHandlersOptions } from './handlers.ts'
export type { JournalEntry } from './journal.ts'
export { createLlmRequestListener } from './node-listener.ts'
export {
  FAULT_MODES,
  type FaultMode,
  LlmMockConfigError,
  type LlmMockOptions,
  llmMockOptionsSchema,
  parseDuration,
} from './options.ts'
export { type ControlBlock, ControlBlockError, readControlBlock } from './reply-plan.ts'
export { type StartedLlmMock, startLlmMock } from './start.ts'
export { payloadText } from './text.ts'
