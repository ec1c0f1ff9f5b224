import type { ServerResponse } from 'node:http'

export const BUILD_VERSION = 'v2.27.0-devel+coderdsim'

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'x-coder-build-version': BUILD_VERSION,
    ...headers,
  })
  res.end(payload)
}

export function sendEmpty(res: ServerResponse, status: 204 | 304): void {
  res.writeHead(status, { 'x-coder-build-version': BUILD_VERSION })
  res.end()
}
