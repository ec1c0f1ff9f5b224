// The cleanup knobs, from the environment variables of Coder's `coder exp scaletest cleanup` flags.

import { z } from 'zod'

import { knob, parseKnobs } from '@scaletest/vitest'

const schema = z.object({
  /** Only the workspaces of this template (name or id); users are cleaned up regardless. */
  CODER_SCALETEST_TEMPLATE: knob.string(''),
})

export interface CleanupConfig {
  template: string
}

export function loadCleanupConfig(env: Record<string, string | undefined>): CleanupConfig {
  const v = parseKnobs(schema, env, 'cleanup')
  return { template: v.CODER_SCALETEST_TEMPLATE }
}
