// The target of an end-to-end scenario test: a coderd simulator started here with an owner who is
// logged in, an output directory for the run's results, and scenario runs against it, all removed
// or killed at teardown.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { type CoderdSimulator, type CoderdSimulatorOptions, startCoderdSimulator } from '@scaletest/mocks'
import { type ScenarioRun, spawnScenario } from './spawn-scenario.ts'

export const owner = { email: 'owner@scaletest.local', username: 'owner', password: 'e2e-test-password' }

export interface SimulatorTarget<Results> {
  coderd: CoderdSimulator
  sessionToken: string
  outputDir: string
  /** The run's results.json. */
  results(): Promise<Results>
  /**
   * Runs a scenario file (relative to the repository root) in its own Vitest process against this
   * simulator, as a pipeline would against a deployment; killed at teardown if still running.
   */
  runScenario(file: string, env?: NodeJS.ProcessEnv, args?: string[]): ScenarioRun
}

export async function startSimulatorTarget<Results>(
  options: Omit<CoderdSimulatorOptions, 'firstUser'>,
  teardown: Array<() => Promise<void>>,
): Promise<SimulatorTarget<Results>> {
  const coderd = await startCoderdSimulator({ ...options, firstUser: owner })
  teardown.push(() => coderd.close())
  const outputDir = await mkdtemp(join(tmpdir(), 'scaletest-e2e-'))
  teardown.push(() => rm(outputDir, { recursive: true, force: true }))
  const login = await fetch(`${coderd.url}/api/v2/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: owner.email, password: owner.password }),
  })
  const { session_token } = (await login.json()) as { session_token: string }
  return {
    coderd,
    sessionToken: session_token,
    outputDir,
    results: async () => JSON.parse(await readFile(join(outputDir, 'results.json'), 'utf8')),
    runScenario(file, env = {}, args = []) {
      const run = spawnScenario(
        file,
        {
          CODER_URL: coderd.url,
          CODER_SESSION_TOKEN: session_token,
          SCALETEST_MOCKS_START: 'coderd',
          SCALETEST_OUTPUT_DIR: outputDir,
          ...env,
        },
        args,
      )
      teardown.push(run.kill)
      return run
    },
  }
}
