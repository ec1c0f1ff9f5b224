// Raw HTTP helpers for benchmarks that set up a coderd simulator: no Coder client (the package's
// entry point loads Vitest), so the load generator's own cost stays what the benchmark measures.

// biome-ignore lint/suspicious/noExplicitAny: bench-only JSON; a wrong shape fails loudly at its use
export type Json = any

export async function api(
  url: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<Json> {
  const tar = body instanceof Uint8Array
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token && { 'Coder-Session-Token': token }),
      ...(body !== undefined && { 'content-type': tar ? 'application/x-tar' : 'application/json' }),
    },
    body: body === undefined ? undefined : tar ? body : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : undefined
}

export function tarOf(name: string, content: string): Uint8Array {
  const data = Buffer.from(content)
  const header = Buffer.alloc(512)
  header.write(name, 0)
  header.write('0000644\0', 100)
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124)
  header.write('00000000000\0', 136)
  header.fill(0x20, 148, 156)
  header[156] = 0x30
  header.write('ustar\0', 257)
  header.write('00', 263)
  header.write(
    `${header
      .reduce((n, b) => n + b, 0)
      .toString(8)
      .padStart(6, '0')}\0 `,
    148,
  )
  return new Uint8Array(
    Buffer.concat([header, data, Buffer.alloc((512 - (data.length % 512)) % 512), Buffer.alloc(1024)]),
  )
}

export async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Logs in as `owner` and imports a terraform template from `mainTf`; the session token and the template. */
export async function loginAndImportTemplate(
  url: string,
  owner: { email: string; password: string },
  name: string,
  mainTf: string,
): Promise<{ token: string; template: Json }> {
  const { session_token: token } = await api(url, 'POST', '/api/v2/users/login', undefined, {
    email: owner.email,
    password: owner.password,
  })
  const me = await api(url, 'GET', '/api/v2/users/me', token)
  const org = me.organization_ids[0]
  const { hash } = await api(url, 'POST', '/api/v2/files', token, tarOf('main.tf', mainTf))
  const version = await api(url, 'POST', `/api/v2/organizations/${org}/templateversions`, token, {
    storage_method: 'file',
    provisioner: 'terraform',
    file_id: hash,
  })
  await until(async () => {
    const v = await api(url, 'GET', `/api/v2/templateversions/${version.id}`, token)
    return v.job.status === 'succeeded' ? v : undefined
  }, 'template import')
  const template = await api(url, 'POST', `/api/v2/organizations/${org}/templates`, token, {
    name,
    template_version_id: version.id,
  })
  return { token, template }
}
