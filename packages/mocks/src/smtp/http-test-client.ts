import { Agent, request } from 'node:http'

export interface HttpResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json(): unknown
}

/** A keep-alive pool shared by many concurrent pollers, like the notifications suite's. */
export function createPool(maxSockets = 32): Agent {
  return new Agent({ keepAlive: true, maxSockets })
}

/** One HTTP request through `agent`; `path` may carry a query, `raw` writes a body. */
export function httpRequest(
  agent: Agent,
  baseUrl: string,
  path: string,
  options: { method?: string; body?: string } = {},
): Promise<HttpResult> {
  const url = new URL(path, baseUrl)
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: options.method ?? 'GET' }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body)
  })
}
