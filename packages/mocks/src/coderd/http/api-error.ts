import type { ZodError } from 'zod'

export interface Validation {
  field: string
  detail: string
}

/** Coder's error body: `{message, detail?, validations?}`. Thrown by handlers, written by the router. */
export class ApiError extends Error {
  readonly status: number
  readonly detail: string | undefined
  readonly validations: Validation[] | undefined

  constructor(
    status: number,
    message: string,
    options: { detail?: string; validations?: Validation[] } = {},
  ) {
    super(message)
    this.status = status
    this.detail = options.detail
    this.validations = options.validations
  }

  toJSON(): { message: string; detail?: string; validations?: Validation[] } {
    return {
      message: this.message,
      ...(this.detail !== undefined && { detail: this.detail }),
      ...(this.validations !== undefined && { validations: this.validations }),
    }
  }
}

export const SIGNED_OUT = 'You are signed out or your session has expired. Please sign in again to continue.'
export const NOT_FOUND = 'Resource not found or you do not have access to this resource'

export function unauthorized(detail?: string): ApiError {
  return new ApiError(401, SIGNED_OUT, detail === undefined ? {} : { detail })
}

export function forbidden(message = 'Forbidden.'): ApiError {
  return new ApiError(
    403,
    message,
    message === 'Forbidden.'
      ? {
          detail:
            "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.",
        }
      : {},
  )
}

export function notFound(): ApiError {
  return new ApiError(404, NOT_FOUND)
}

export function badRequest(message: string, validations?: Validation[]): ApiError {
  return new ApiError(400, message, validations ? { validations } : {})
}

/** Maps zod issues onto Coder's `validations`, one per field, naming the JSON path. */
export function validationsFrom(error: ZodError): Validation[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length > 0 ? `${issue.path.join('.')}.` : ''
      return { field: `${prefix}${issue.keys.join(',')}`, detail: `unknown field: ${issue.keys.join(', ')}` }
    }
    return { field: issue.path.join('.') || '(body)', detail: issue.message }
  })
}
