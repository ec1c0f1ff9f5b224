export type { InterceptionRecord } from './aibridge/store.ts'
export { type CoderdCore, createCoderdCore } from './core.ts'
export type { EventFaults } from './events/index.ts'
export { createCoderdHandlers } from './msw-handlers.ts'
export {
  TEMPLATE_DELETED,
  TEST_NOTIFICATION,
  USER_ACCOUNT_CREATED,
  USER_ACCOUNT_DELETED,
  WORKSPACE_DELETED,
} from './notifications/catalogue.ts'
export type { NotificationFaults } from './notifications/faults.ts'
export type { CoderdSimulatorOptions } from './options.ts'
export { coderdSimulatorOptionsSchema } from './options.ts'
export { tagsMatch } from './provisioner.ts'
export type { LoggedRequest } from './request-log.ts'
export { type CoderdSimulator, startCoderdSimulator } from './simulator.ts'
