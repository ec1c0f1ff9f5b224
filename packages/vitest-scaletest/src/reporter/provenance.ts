// Where a run came from, for the report: scenario files, knobs, target, mocks, versions, git revision.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { arch, platform, release } from 'node:os'

import type { MockEndpoints } from '../context.ts'

export interface Provenance {
  /** Scenario files (relative module ids) of the tests that carried scaletest data. */
  scenarios: string[]
  /** CODER_SCALETEST_* and SCALETEST_* variables as set for the run; secrets are redacted. */
  knobs: Record<string, string>
  target: { coder_url: string | null; kind: 'simulator' | 'deployment' | 'unknown' }
  mocks: { provider: string; endpoints: Record<string, string> } | null
  versions: Record<string, string>
  git: { revision: string | null; dirty: boolean | null }
}

const KNOB = /^(CODER_SCALETEST_|SCALETEST_)/
const SECRET = /TOKEN|PASSWORD|SECRET|KEY|CREDENTIAL/i
const require = createRequire(import.meta.url)

export function collectProvenance(input: {
  root: string
  scenarios: string[]
  env?: NodeJS.ProcessEnv
  mocks?: MockEndpoints
}): Provenance {
  const env = input.env ?? process.env
  const knobs: Record<string, string> = {}
  for (const name of Object.keys(env).sort())
    if (KNOB.test(name)) knobs[name] = SECRET.test(name) ? '[redacted]' : withoutUserinfo(String(env[name]))
  const mocks = input.mocks
  const rawUrl = env.CODER_URL?.trim() || mocks?.coderUrl
  const coderUrl = rawUrl ? withoutUserinfo(rawUrl) : null
  const endpoints: Record<string, string> = {}
  for (const key of ['llmUrl', 'smtpApiUrl', 'coderUrl'] as const) {
    const value = mocks?.[key]
    if (value !== undefined) endpoints[key] = value
  }
  if (mocks?.smtpHost !== undefined) endpoints.smtp = `${mocks.smtpHost}:${mocks.smtpPort}`
  return {
    scenarios: [...new Set(input.scenarios)].sort(),
    knobs,
    target: {
      coder_url: coderUrl,
      kind: env.CODER_URL?.trim() ? 'deployment' : mocks?.coderUrl ? 'simulator' : 'unknown',
    },
    mocks: mocks ? { provider: mocks.provider, endpoints } : null,
    versions: {
      node: process.version,
      vitest: packageVersion('vitest'),
      '@scaletest/vitest': ownVersion(),
      os: `${platform()} ${release()} ${arch()}`,
    },
    git: gitRevision(input.root),
  }
}

/** `http://user:pass@host` → `http://[redacted]@host`: credentials in a URL never reach the report. */
function withoutUserinfo(value: string): string {
  return value.replace(/(\/\/)[^/@\s]+@/g, '$1[redacted]@')
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string })
      .version
  } catch {
    return 'unknown'
  }
}

function ownVersion(): string {
  const file = new URL('../../package.json', import.meta.url)
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}

function gitRevision(root: string): Provenance['git'] {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    })
  try {
    return {
      revision: git(['rev-parse', 'HEAD']).trim(),
      dirty: git(['status', '--porcelain']).trim() !== '',
    }
  } catch {
    return { revision: null, dirty: null }
  }
}
