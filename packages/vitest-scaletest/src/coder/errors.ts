/** One entry of Coder's `validations` array: the request field and what is wrong with it. */
export interface CoderValidation {
  field: string
  detail: string
}

export interface CoderApiErrorInit {
  method: string
  /** Path and query as sent, e.g. `/api/v2/users/me`. Never contains credentials. */
  path: string
  status: number
  message: string
  detail?: string
  validations?: CoderValidation[]
}

/**
 * A non-2xx answer from Coder, carrying its error body `{message, detail, validations}`.
 * The message reads `POST /api/v2/users: 409 User already exists.` so logs name the call.
 */
export class CoderApiError extends Error {
  readonly code = 'CODER_API_ERROR'
  readonly method: string
  readonly path: string
  readonly status: number
  /** Coder's own `message`, without the method/path/status prefix. */
  readonly apiMessage: string
  readonly detail: string | undefined
  readonly validations: CoderValidation[]

  constructor(init: CoderApiErrorInit, options?: ErrorOptions) {
    super(formatApiError(init), options)
    this.name = 'CoderApiError'
    this.method = init.method
    this.path = init.path
    this.status = init.status
    this.apiMessage = init.message
    this.detail = init.detail
    this.validations = init.validations ?? []
  }

  /** The validation detail for one request field, if Coder named it. */
  validation(field: string): string | undefined {
    return this.validations.find((v) => v.field === field)?.detail
  }
}

function formatApiError(init: CoderApiErrorInit): string {
  let text = `${init.method} ${init.path}: ${init.status} ${init.message}`
  if (init.detail) text += ` (${init.detail})`
  if (init.validations?.length) {
    text += ` [${init.validations.map((v) => `${v.field}: ${v.detail}`).join('; ')}]`
  }
  return text
}

/** A response (or stream frame) whose JSON does not match Coder's API (codersdk). */
export class CoderResponseShapeError extends Error {
  readonly code = 'CODER_RESPONSE_SHAPE'
  /** e.g. `GET /api/v2/users/me`. */
  readonly endpoint: string
  /** Dotted paths of the offending fields, e.g. `roles.0.name`; `(root)` for the whole body. */
  readonly fields: string[]

  constructor(endpoint: string, problems: Array<{ field: string; message: string }>) {
    const shown = problems
      .slice(0, 3)
      .map((p) => `field "${p.field}": ${p.message}`)
      .join('; ')
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''
    super(`${endpoint}: response does not match the Coder API contract: ${shown}${more}`)
    this.name = 'CoderResponseShapeError'
    this.endpoint = endpoint
    this.fields = problems.map((p) => p.field)
  }
}

/** The transport failed before Coder answered (connection refused, reset, timeout, abort). */
export class CoderRequestError extends Error {
  readonly code = 'CODER_REQUEST_FAILED'
  readonly method: string
  readonly path: string

  constructor(method: string, path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(`${method} ${path}: request failed: ${reason}`, { cause })
    this.name = 'CoderRequestError'
    this.method = method
    this.path = path
  }
}

/** A provisioner job (template import or workspace build) ended in a status the caller did not accept. */
export class CoderJobError extends Error {
  readonly code = 'CODER_JOB_FAILED'
  readonly jobId: string
  readonly status: string
  readonly jobError: string | undefined

  constructor(what: string, job: { id: string; status: string; error?: string | null | undefined }) {
    super(`${what}: provisioner job ${job.id} ended ${job.status}${job.error ? `: ${job.error}` : ''}`)
    this.name = 'CoderJobError'
    this.jobId = job.id
    this.status = job.status
    this.jobError = job.error ?? undefined
  }
}

/** A wait (for a job, a build, a frame) ran out of time. */
export class CoderTimeoutError extends Error {
  readonly code = 'CODER_TIMEOUT'

  constructor(what: string, timeoutMs: number, last?: string) {
    super(`${what}: timed out after ${timeoutMs} ms${last ? ` (last seen: ${last})` : ''}`)
    this.name = 'CoderTimeoutError'
  }
}

/** A stream (inbox websocket, workspace watch) failed after it was opened. */
export class CoderStreamError extends Error {
  readonly code = 'CODER_STREAM_FAILED'
  readonly endpoint: string
  /** WebSocket close code when the socket closed abnormally. */
  readonly closeCode: number | undefined

  constructor(endpoint: string, reason: string, options?: ErrorOptions & { closeCode?: number }) {
    super(`${endpoint}: ${reason}`, options)
    this.name = 'CoderStreamError'
    this.endpoint = endpoint
    this.closeCode = options?.closeCode
  }
}
