import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import { type Fixture, type Json, startFixture, waitFor } from '../test/sim-client.ts'
import {
  DYNAMIC_PARAMETERS_MAIN_TF as MAIN_TF,
  tarOf as makeTar,
  DYNAMIC_PARAMETERS_FILES as WITH_MODULE,
} from '../test/tar.ts'

let f: Fixture
afterEach(() => f?.sim.close())

async function version(files: Record<string, string>, tags: Record<string, string> = {}): Promise<Json> {
  const { hash } = await f.owner.ok('POST', '/api/v2/files', makeTar(files), {
    'content-type': 'application/x-tar',
  })
  return f.owner.ok('POST', `/api/v2/organizations/${f.orgId}/templateversions`, {
    storage_method: 'file',
    provisioner: 'terraform',
    file_id: hash,
    tags,
  })
}

const imported = (id: string) =>
  waitFor(async () => {
    const v = await f.owner.ok('GET', `/api/v2/templateversions/${id}`)
    return v.job.status === 'succeeded' ? v : undefined
  })

/** Opens the stream and collects its frames. */
async function open(versionId: string) {
  const url = `${f.sim.url.replace('http', 'ws')}/api/v2/templateversions/${versionId}/dynamic-parameters`
  const ws = new WebSocket(url, { headers: { 'Coder-Session-Token': f.owner.token! } })
  const frames: Json[] = []
  ws.on('message', (data) => frames.push(JSON.parse(String(data))))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const frame = (n: number) => waitFor(() => frames.length >= n && frames[n - 1], 10_000)
  return { ws, frames, frame }
}

describe('dynamic parameters websocket', () => {
  it('sends the form unprompted with id -1, then answers each request with its id, in order', async () => {
    f = await startFixture()
    const v = await imported((await version(WITH_MODULE)).id)
    const session = await open(v.id)
    const first = await session.frame(1)
    expect(first.id).toBe(-1)
    expect(first.diagnostics).toEqual([])
    expect(first.parameters.map((p: Json) => [p.name, p.value.value])).toEqual([
      ['zero', 'A'],
      ['One', '["AA"]'],
      ['Two', 'AA'],
      ['Three', 'AAA'],
      ['four', 'a_fake_value_to_satisfy_import'],
    ])
    expect(first.parameters[4].options.map((o: Json) => o.name)).toEqual([
      'owner-AAA',
      'owner-AAA',
      'organization-member-AAA',
    ])
    session.ws.send(JSON.stringify({ id: 1, inputs: { zero: 'B' } }))
    session.ws.send(JSON.stringify({ id: 2, inputs: { zero: 'C' } }))
    const changed = await session.frame(2)
    expect(changed.id).toBe(1)
    expect(changed.parameters.map((p: Json) => p.value.value)).toEqual([
      'B',
      '["BA"]',
      'BA',
      'BAA',
      'a_fake_value_to_satisfy_import',
    ])
    const invalid = await session.frame(3)
    expect(invalid.id).toBe(2)
    expect(invalid.parameters[0].diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', summary: 'Value must be a valid option' }),
    ])
    // A malformed request ends the session.
    const closed = new Promise<number>((r) => session.ws.once('close', (code) => r(code)))
    session.ws.send('not json')
    expect(await closed).toBe(1007)
  })

  it('reports a missing module as a diagnostic, and answers 425 before the import completes', async () => {
    f = await startFixture({ importJobDurationMs: 300 })
    const pending = await version({ 'main.tf': MAIN_TF })
    const url = `${f.sim.url.replace('http', 'ws')}/api/v2/templateversions/${pending.id}/dynamic-parameters`
    const refused = new WebSocket(url, { headers: { 'Coder-Session-Token': f.owner.token! } })
    const early = await new Promise<{ status: number; body: string }>((resolve) =>
      refused.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      }),
    )
    refused.on('error', () => {})
    refused.terminate()
    expect(early.status).toBe(425)
    expect(JSON.parse(early.body)).toEqual({ message: 'Template version job has not finished' })
    await imported(pending.id)
    const session = await open(pending.id)
    const first = await session.frame(1)
    expect(first.diagnostics).toEqual([expect.objectContaining({ summary: 'Module not loaded' })])
    expect(first.parameters.map((p: Json) => p.name)).toEqual(['zero', 'One'])
    session.ws.close()
  })

  it('charges each evaluation: past the evaluator count, sessions queue and latency grows', async () => {
    f = await startFixture({ dynamicParameters: { evaluationCostMs: 100, evaluators: 1 } })
    const v = await imported((await version(WITH_MODULE)).id)
    const started = Date.now()
    const sessions = await Promise.all([0, 1, 2, 3].map(() => open(v.id)))
    await Promise.all(sessions.map((s) => s.frame(1)))
    // Four evaluations through one evaluator at 100 ms each: the last one waited for three.
    expect(Date.now() - started).toBeGreaterThanOrEqual(390)
    for (const s of sessions) s.ws.close()
  })

  it('leaves an untagged version pending with no matched provisioner when every daemon is tagged', async () => {
    f = await startFixture({ provisionerDaemons: [{ tags: { scaletest: 'true' } }] })
    const untagged = await version(WITH_MODULE)
    expect(untagged.matched_provisioners).toEqual({ count: 0, available: 0 })
    await new Promise((r) => setTimeout(r, 300))
    expect((await f.owner.ok('GET', `/api/v2/templateversions/${untagged.id}`)).job.status).toBe('pending')
    const tagged = await version(WITH_MODULE, { scaletest: 'true' })
    expect(tagged.matched_provisioners).toMatchObject({ count: 1, available: 1 })
    expect((await imported(tagged.id)).job.status).toBe('succeeded')
  })
})
