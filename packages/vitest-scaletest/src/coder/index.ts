export type * from './agent-schemas.ts'
export * as coderAgentSchemas from './agent-schemas.ts'
export type * from './aibridge-schemas.ts'
export type { AppWebSocketClose, AppWebSocketOptions } from './app-websocket.ts'
export { APP_WRITE_CHUNK, AppWebSocket } from './app-websocket.ts'
export { AsyncQueue } from './async-queue.ts'
export type * from './chat-schemas.ts'
export type { CoderClientOptions, DeriveOptions, JobWaitOptions, WatchInboxOptions } from './client.ts'
export { CoderClient } from './client.ts'
export type { AgentWaitOptions } from './client-agents.ts'
export type {
  ChatInputPart,
  CreateAIProviderRequest,
  CreateChatMessageRequest,
  CreateChatModelConfigRequest,
  CreateChatRequest,
  UpdateAIProviderRequest,
} from './client-chats.ts'
export { decodeChatFrame } from './client-chats.ts'
export type { DynamicParametersDialOptions } from './client-parameters.ts'
export type { CoderApiErrorInit, CoderValidation } from './errors.ts'
export {
  CoderApiError,
  CoderJobError,
  CoderRequestError,
  CoderResponseShapeError,
  CoderStreamError,
  CoderTimeoutError,
} from './errors.ts'
export type * from './event-schemas.ts'
export { WORKSPACE_BUILD_UPDATES_EXPERIMENT } from './event-schemas.ts'
export { NOTIFICATION_TEMPLATE_IDS, TEMPLATE_DELETED_NOTIFICATION_ID } from './notification-ids.ts'
export type * from './parameter-schemas.ts'
export * as coderParameterSchemas from './parameter-schemas.ts'
export type { PollOptions } from './poll.ts'
export { ACTIVE_JOB_STATUSES, pollUntil } from './poll.ts'
export type { PtyClose, ReconnectingPtyOptions } from './reconnecting-pty.ts'
export { PTY_WRITE_CHUNK, ReconnectingPty } from './reconnecting-pty.ts'
export type * from './requests.ts'
export {
  deleteWorkspaceAfterBuild,
  type ScaletestTemplateOptions,
  scaletestTemplate,
  scaletestTemplateForTest,
} from './scaletest-workspaces.ts'
export type * from './schemas.ts'
export * as coderSchemas from './schemas.ts'
export type { EventFaults } from './simulator-control.ts'
export { SimulatorControl } from './simulator-control.ts'
export type { StreamWaitOptions } from './stream.ts'
export { CoderStream } from './stream.ts'
export type { TarEntry } from './tar.ts'
export { createTar } from './tar.ts'
export type { DialOptions } from './websocket-stream.ts'
export type * from './workspace-schemas.ts'
export * as coderWorkspaceSchemas from './workspace-schemas.ts'
