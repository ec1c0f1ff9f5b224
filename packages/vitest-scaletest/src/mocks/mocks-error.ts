import { ScaletestError } from '../errors.ts'

export type MocksErrorCode =
  | 'SCALETEST_MOCKS_BAD_ENV'
  | 'SCALETEST_DOCKER_REQUIRED'
  | 'SCALETEST_MOCK_START_FAILED'
  | 'SCALETEST_MOCKS_LOGIN_FAILED'

/** Why the mocks of a run could not be chosen or started; the message says what to do. */
export class MocksError extends ScaletestError<MocksErrorCode> {
  constructor(code: MocksErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options)
    this.name = 'MocksError'
  }
}
