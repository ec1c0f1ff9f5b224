/** Misuse of the metrics API or unreadable metrics data; the message names the metric and the fix. */
export class MetricsError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'MetricsError'
    this.code = code
  }
}
