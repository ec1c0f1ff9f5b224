import { ScaletestError } from '../errors.ts'

/** Misuse of the metrics API or unreadable metrics data; the message names the metric and the fix. */
export class MetricsError extends ScaletestError<string> {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, options)
    this.name = 'MetricsError'
  }
}
