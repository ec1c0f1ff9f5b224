// Main-process side of the mocks: the global setup and what it is built from.
import { siblingModule } from '../module-path.ts'

export { chooseProvider, type ProviderChoice } from './choose-provider.ts'
export { setup as scaletestGlobalSetup } from './global-setup.ts'
export { type MocksEnv, type MocksProvider, readMocksEnv } from './mocks-env.ts'
export { MocksError, type MocksErrorCode } from './mocks-error.ts'
export { type RunMocks, type StartMocksOptions, startMocks } from './start-mocks.ts'

/** Path of the global setup file, for `test.globalSetup` in a Vitest config. */
export const globalSetupPath: string = siblingModule(import.meta.url, 'global-setup')
