// The Kubernetes manifests in deploy/kubernetes, checked against the Kubernetes API schemas
// (kubernetes-models, generated from the Kubernetes OpenAPI spec) and the Prometheus Operator's
// CRDs, and against what the scenario needs from them.

import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'

import { repoRoot } from '../support/spawn-scenario.ts'

const dir = join(repoRoot, 'deploy/kubernetes')

interface Manifest {
  file: string
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string }
  spec?: Record<string, unknown>
}

async function manifests(): Promise<Manifest[]> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.yaml')).sort()
  const out: Manifest[] = []
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`)
      out.push({ file, ...(doc.toJS() as Omit<Manifest, 'file'>) })
    }
  }
  return out
}

/** The kubernetes-models class for apiVersion + kind, e.g. batch/v1 Job. */
async function model(apiVersion: string, kind: string) {
  const module =
    apiVersion === 'monitoring.coreos.com/v1'
      ? await import(`@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`)
      : await import(`kubernetes-models/${apiVersion}/${kind}`)
  return module[kind] as new (
    data: unknown,
  ) => { validate(): void }
}

describe('deploy/kubernetes', () => {
  it('every document is valid against the Kubernetes API schema of its kind', async () => {
    const all = await manifests()
    expect(all.length).toBeGreaterThanOrEqual(10)
    for (const { file, ...doc } of all) {
      const Model = await model(doc.apiVersion, doc.kind)
      expect(() => new Model(doc).validate(), `${file}: ${doc.kind} ${doc.metadata.name}`).not.toThrow()
    }
  })

  it('catches a broken manifest', async () => {
    const Job = await model('batch/v1', 'Job')
    const broken = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'x' },
      spec: { completions: 'three' },
    }
    expect(() => new Job(broken).validate()).toThrow(/completions must be integer/)
  })

  it('runs the shards as an Indexed Job whose shard count equals its completions', async () => {
    const all = await manifests()
    const job = all.find((m) => m.kind === 'Job' && m.metadata.name === 'scaletest-shards')!
    const spec = job.spec as {
      completionMode: string
      completions: number
      parallelism: number
      template: { spec: { containers: { env: { name: string; value?: string }[] }[] } }
    }
    expect(spec.completionMode).toBe('Indexed')
    expect(spec.parallelism).toBe(spec.completions)
    const env = spec.template.spec.containers[0]!.env
    const value = (name: string) => env.find((e) => e.name === name)
    expect(value('SCALETEST_SHARD_COUNT')?.value).toBe(String(spec.completions))
    expect(value('SCALETEST_COORDINATOR_URL')?.value).toMatch(/^redis:\/\/redis\./)
    expect(value('SCALETEST_RUN_ID')).toBeDefined()
    expect(value('JOB_COMPLETION_INDEX')).toBeDefined()
    // every namespaced object lives in the namespace the manifests create
    for (const m of all.filter((m) => m.kind !== 'Namespace'))
      expect(m.metadata.namespace, `${relative(repoRoot, join(dir, m.file))} ${m.metadata.name}`).toBe(
        'scaletest',
      )
  })
})
