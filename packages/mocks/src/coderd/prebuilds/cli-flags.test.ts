import { afterEach, expect, it, vi } from 'vitest'

import { runCoderdCli } from '../cli.ts'
import { SimClient } from '../test/sim-client.ts'
import { tarOf as makeTar } from '../test/tar.ts'

afterEach(() => vi.restoreAllMocks())

it('--dynamic-parameters-* flags reach the simulator; bad values of the new flags are refused', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  const started = await runCoderdCli([
    '--address',
    '127.0.0.1:0',
    '--first-user-email',
    'admin@example.com',
    '--first-user-username',
    'admin',
    '--first-user-password',
    'admin-password-1',
    '--job-duration-ms',
    '5',
    '--prebuilds-reconcile-interval-ms',
    '20',
    '--dynamic-parameters-evaluation-cost-ms',
    '250',
    '--dynamic-parameters-evaluators',
    '1',
  ])
  try {
    const url = /listening on (\S+)$/.exec(String(log.mock.calls[0]![0]))![1]!
    const anon = new SimClient(url)
    const { session_token } = await anon.ok('POST', '/api/v2/users/login', {
      email: 'admin@example.com',
      password: 'admin-password-1',
    })
    const owner = anon.as(session_token)
    const me = await owner.ok('GET', '/api/v2/users/me')
    const tar = makeTar({
      'main.tf': 'data "coder_parameter" "zero" {}\ndata "coder_parameter" "three" {}\n',
    })
    const { hash } = await owner.ok('POST', '/api/v2/files', tar, { 'content-type': 'application/x-tar' })
    const version = await owner.ok(
      'POST',
      `/api/v2/organizations/${me.organization_ids[0]}/templateversions`,
      {
        storage_method: 'file',
        provisioner: 'terraform',
        file_id: hash,
      },
    )
    for (;;) {
      const v = await owner.ok('GET', `/api/v2/templateversions/${version.id}`)
      if (v.job.status === 'succeeded') break
      await new Promise((r) => setTimeout(r, 10))
    }
    const started = Date.now()
    const body = { id: 1, inputs: {} }
    const path = `/api/v2/templateversions/${version.id}/dynamic-parameters/evaluate`
    const [a, b] = await Promise.all([owner.ok('POST', path, body), owner.ok('POST', path, body)])
    // Two evaluations on one 250 ms evaluator: the second waited for the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(490)
    expect([a.id, b.id]).toEqual([0, 0])
  } finally {
    await started.close()
  }
  await expect(
    runCoderdCli(['--address', '127.0.0.1:0', '--dynamic-parameters-evaluators', '0']),
  ).rejects.toThrow(/dynamicParameters\.evaluators/)
  await expect(
    runCoderdCli(['--address', '127.0.0.1:0', '--prebuilds-reconcile-interval-ms', 'x']),
  ).rejects.toThrow(/--prebuilds-reconcile-interval-ms must be a non-negative integer/)
})
