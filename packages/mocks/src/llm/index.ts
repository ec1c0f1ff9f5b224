export {
  FAULT_HEADER as LLM_FAULT_HEADER,
  LlmMockEngine,
  type MockRequest as LlmMockRequest,
} from './engine.ts'
export { createLlmHandlers, type LlmHandlersOptions } from './handlers.ts'
export type { JournalEntry as LlmJournalEntry } from './journal.ts'
export { createLlmRequestListener } from './node-listener.ts'
export {
  FAULT_MODES as LLM_FAULT_MODES,
  type FaultMode as LlmFaultMode,
  LlmMockConfigError,
  type LlmMockOptions,
  llmMockOptionsSchema,
} from './options.ts'
export { type ControlBlock, ControlBlockError, readControlBlock } from './reply-plan.ts'
export { type StartedLlmMock, startLlmMock } from './start.ts'
export { payloadText as llmPayloadText } from './text.ts'
