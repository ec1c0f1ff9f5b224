// The create-workspaces knobs, from the environment variables of Coder's
// `coder exp scaletest create-workspaces` flags (cli/exp_scaletest.go). Bad values are reported
// together, before anything is created.

import { z } from 'zod'

import { type KnobProblem, knob, parseKnobs } from '@scaletest/vitest'

const parameters = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const out: { name: string; value: string }[] = []
    for (const part of (value ?? '').split(',').filter((p) => p.trim() !== '')) {
      const eq = part.indexOf('=')
      if (eq <= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `expected name=value pairs separated by commas, got "${part}"`,
        })
        return z.NEVER
      }
      out.push({ name: part.slice(0, eq).trim(), value: part.slice(eq + 1) })
    }
    return out
  })

const schema = z.object({
  CODER_SCALETEST_COUNT: knob.int(1, 1),
  CODER_SCALETEST_RETRY: knob.int(0, 0),
  CODER_SCALETEST_TEMPLATE: knob.string(''),
  CODER_RICH_PARAMETER: parameters,
  CODER_SCALETEST_NO_WAIT_FOR_AGENTS: knob.bool(false),
  CODER_SCALETEST_RUN_COMMAND: knob.string(''),
  CODER_SCALETEST_RUN_TIMEOUT: knob.duration('5s'),
  CODER_SCALETEST_RUN_EXPECT_TIMEOUT: knob.bool(false),
  CODER_SCALETEST_RUN_EXPECT_OUTPUT: knob.string(''),
  CODER_SCALETEST_RUN_LOG_OUTPUT: knob.bool(false),
  CODER_SCALETEST_USE_HOST_LOGIN: knob.bool(false),
  CODER_SCALETEST_NO_CLEANUP: knob.bool(false),
  CODER_SCALETEST_CONNECT_URL: knob.string(''),
})

export interface RunCommandConfig {
  command: string
  timeoutMs: number
  expectTimeout: boolean
  expectOutput: string
  logOutput: boolean
}

export interface CreateWorkspacesConfig {
  count: number
  retry: number
  /** Name or id; empty = the run creates an agent template and deletes it afterwards. */
  template: string
  richParameterValues: { name: string; value: string }[]
  noWaitForAgents: boolean
  /** A command over reconnecting PTY on the first agent, or undefined. */
  runCommand: RunCommandConfig | undefined
  useHostLogin: boolean
  noCleanup: boolean
}

export function loadCreateWorkspacesConfig(env: Record<string, string | undefined>): CreateWorkspacesConfig {
  const v = parseKnobs(schema, env, 'create-workspaces', (v) => {
    const problems: KnobProblem[] = []
    if (v.CODER_SCALETEST_CONNECT_URL !== '')
      problems.push({
        variable: 'CODER_SCALETEST_CONNECT_URL',
        message: 'tailnet connections are not supported by this suite',
      })
    if (
      v.CODER_SCALETEST_RUN_COMMAND === '' &&
      (v.CODER_SCALETEST_RUN_EXPECT_OUTPUT !== '' || v.CODER_SCALETEST_RUN_EXPECT_TIMEOUT)
    )
      problems.push({
        variable: 'CODER_SCALETEST_RUN_COMMAND',
        message: 'CODER_SCALETEST_RUN_EXPECT_* needs CODER_SCALETEST_RUN_COMMAND',
      })
    if (v.CODER_SCALETEST_RUN_COMMAND !== '' && v.CODER_SCALETEST_NO_WAIT_FOR_AGENTS)
      problems.push({
        variable: 'CODER_SCALETEST_NO_WAIT_FOR_AGENTS',
        message: 'CODER_SCALETEST_RUN_COMMAND needs the agents: unset CODER_SCALETEST_NO_WAIT_FOR_AGENTS',
      })
    return problems
  })
  return {
    count: v.CODER_SCALETEST_COUNT,
    retry: v.CODER_SCALETEST_RETRY,
    template: v.CODER_SCALETEST_TEMPLATE,
    richParameterValues: v.CODER_RICH_PARAMETER,
    noWaitForAgents: v.CODER_SCALETEST_NO_WAIT_FOR_AGENTS,
    runCommand:
      v.CODER_SCALETEST_RUN_COMMAND === ''
        ? undefined
        : {
            command: v.CODER_SCALETEST_RUN_COMMAND,
            timeoutMs: v.CODER_SCALETEST_RUN_TIMEOUT,
            expectTimeout: v.CODER_SCALETEST_RUN_EXPECT_TIMEOUT,
            expectOutput: v.CODER_SCALETEST_RUN_EXPECT_OUTPUT,
            logOutput: v.CODER_SCALETEST_RUN_LOG_OUTPUT,
          },
    useHostLogin: v.CODER_SCALETEST_USE_HOST_LOGIN,
    noCleanup: v.CODER_SCALETEST_NO_CLEANUP,
  }
}
