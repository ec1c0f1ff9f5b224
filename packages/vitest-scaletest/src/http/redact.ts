// Keeps session tokens, API keys and passwords out of errors and logs.

export const REDACTED = '[REDACTED]'

const SECRET_PARAM = /token|key|secret|password|passwd|auth|session|signature|credential/i
const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|coder-session-token|x-api-key|api-key)$/i

/** Replaces every occurrence of each secret (ignoring ones shorter than 4 chars) with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length < 4) continue
    out = out.split(secret).join(REDACTED)
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) out = out.split(encoded).join(REDACTED)
  }
  return out
}

/** The URL with user info and secret-looking query parameters (token, key, password, …) redacted. */
export function redactUrl(url: string | URL): string {
  let parsed: URL
  try {
    parsed = new URL(String(url))
  } catch {
    return String(url).replace(/([?&][^=&]*(?:token|key|secret|password)[^=&]*=)[^&#]*/gi, `$1${REDACTED}`)
  }
  if (parsed.username) parsed.username = REDACTED
  if (parsed.password) parsed.password = REDACTED
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, REDACTED)
  }
  return parsed.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED)
}

/** A copy of the headers with credential headers redacted, for logging a request. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADER.test(name) ? REDACTED : value
  return out
}
