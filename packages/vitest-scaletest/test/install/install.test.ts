// A project outside this repository installs both packages from their tarballs, as a user would
// from the registry, configures Vitest with `plugins: [scaletest()]` and runs a scenario against
// the embedded coderd simulator (process mocks: the installed `scaletest-mocks` CLI).
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, expect, it } from 'vitest'

const run = promisify(execFile)
const repoRoot = resolve(import.meta.dirname, '../../../..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
let project: string
let tarballs: { name: string; filename: string; files: { path: string }[] }[]

// Nothing of this repository's environment reaches the project: not the source export condition
// (NODE_OPTIONS), not Vitest's own variables, not the suite's mock choice.
function projectEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(VITEST|NODE_OPTIONS|npm_|SCALETEST_|CODER_)/i.test(key) && key !== 'TEST',
    ),
  )
  return { ...env, SCALETEST_MOCKS: 'process', NO_COLOR: '1', CI: 'true' }
}

async function inProject(command: string, args: string[], timeout = 240_000) {
  return run(command, args, { cwd: project, env: projectEnv(), timeout, maxBuffer: 64 * 1024 * 1024 })
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'scaletest-consumer-'))
  const packed = await run(
    npm,
    ['pack', '--json', '--pack-destination', project, '-w', '@scaletest/mocks', '-w', '@scaletest/vitest'],
    { cwd: repoRoot, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
  )
  tarballs = JSON.parse(packed.stdout)
  const rootPackage = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'))
  const dev = rootPackage.devDependencies as Record<string, string>
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      allowScripts: { node: true, esbuild: true, 'cpu-features': false, ssh2: false, protobufjs: false },
      devDependencies: {
        '@scaletest/mocks': `file:./${tarballs.find((t) => t.name === '@scaletest/mocks')!.filename}`,
        '@scaletest/vitest': `file:./${tarballs.find((t) => t.name === '@scaletest/vitest')!.filename}`,
        node: dev.node,
        vitest: dev.vitest,
      },
    }),
  )
  await writeFile(
    join(project, 'vitest.config.ts'),
    `import { defineConfig } from 'vitest/config'
import { scaletest } from '@scaletest/vitest/node'

export default defineConfig({ plugins: [scaletest({ reporter: { outputDir: 'results' } })] })
`,
  )
  await writeFile(
    join(project, 'users.scale.test.ts'),
    `import { concurrent, expect, scaleTest } from '@scaletest/vitest'

scaleTest('every user is created and deleted again', async ({ coder, harness, metrics }) => {
  const org = await coder.defaultOrganization()
  const created = metrics.histogram('consumer_create_user_seconds', { help: 'POST /users' })
  for (let i = 0; i < 5; i++) {
    const username = 'consumer-' + i
    harness.add('users', String(i), {
      async run({ signal }) {
        const started = performance.now()
        await coder.createUser({ email: username + '@example.com', username, password: 'Consumer-pass-1', organization_ids: [org.id] }, signal)
        created.observe((performance.now() - started) / 1000)
      },
      async cleanup({ signal }) {
        await coder.deleteUser(username, signal)
      },
    })
  }
  const results = await harness.run(concurrent())
  expect(results).toHaveNoFailures()
})
`,
  )
  await inProject(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline'])
}, 420_000)

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true })
})

it('ships built JavaScript with type declarations and no tests or sources', () => {
  for (const tarball of tarballs) {
    const paths = tarball.files.map((f) => f.path)
    expect(paths).toContain('dist/index.js')
    expect(paths).toContain('dist/index.d.ts')
    expect(paths.filter((p) => /\.test\.|(^|\/)test\/|^src\/|\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual(
      [],
    )
  }
})

it('runs a scenario with plugins: [scaletest()] and writes results.json', async () => {
  const { stdout } = await inProject('npx', ['vitest', 'run'])
  expect(stdout).toContain('scaletest summary')
  const results = JSON.parse(await readFile(join(project, 'results', 'results.json'), 'utf8'))
  expect(results.harness).toMatchObject({ total_runs: 5, total_pass: 5, total_fail: 0 })
  expect(JSON.stringify(results.metrics)).toContain('consumer_create_user_seconds')
}, 240_000)

it('runs the installed scaletest-mocks CLI', async () => {
  const { stdout } = await inProject('npx', ['scaletest-mocks', 'llm', '--help'], 60_000)
  expect(stdout).toMatch(/usage: .*llm/i)
})
