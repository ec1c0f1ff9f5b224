// The dynamic-parameters scenario's knobs. Coder's `coder exp scaletest dynamic-parameters` flags
// have no environment variables (cli/exp_scaletest_dynamicparameters.go), so these are named after
// them the usual way; `--org` reads CODER_ORGANIZATION in Coder. The last three are ours.

import { z } from 'zod'

import { knob, parseKnobs } from '@scaletest/vitest'

const schema = z.object({
  CODER_SCALETEST_DYNAMIC_PARAMETERS_TEMPLATE: z
    .string()
    .optional()
    .transform((v) => v?.trim() || 'scaletest-dynamic-parameters'),
  CODER_SCALETEST_DYNAMIC_PARAMETERS_CONCURRENT_EVALUATIONS: knob.int(100, 1),
  CODER_SCALETEST_DYNAMIC_PARAMETERS_PROVISIONER_TAG: knob.keyValues(),
  CODER_ORGANIZATION: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined),
  // Ours: Coder polls imports every 2 s; a simulator imports in milliseconds.
  SCALETEST_DYNAMIC_PARAMETERS_VERSION_POLL_INTERVAL: knob.duration('2s'),
  // Ours: the default thresholds on the two latencies (p99).
  SCALETEST_DYNAMIC_PARAMETERS_INITIAL_P99: knob.duration('5s'),
  SCALETEST_DYNAMIC_PARAMETERS_CHANGE_P99: knob.duration('5s'),
})

export interface DynamicParametersConfig {
  templateName: string
  concurrentEvaluations: number
  provisionerTags: Record<string, string>
  /** Organization name or id; default: the caller's default organization. */
  organization: string | undefined
  versionPollIntervalMs: number
  initialP99Seconds: number
  changeP99Seconds: number
}

export function loadDynamicParametersConfig(
  env: Record<string, string | undefined>,
): DynamicParametersConfig {
  const v = parseKnobs(schema, env, 'dynamic-parameters scale test')
  return {
    templateName: v.CODER_SCALETEST_DYNAMIC_PARAMETERS_TEMPLATE,
    concurrentEvaluations: v.CODER_SCALETEST_DYNAMIC_PARAMETERS_CONCURRENT_EVALUATIONS,
    provisionerTags: v.CODER_SCALETEST_DYNAMIC_PARAMETERS_PROVISIONER_TAG,
    organization: v.CODER_ORGANIZATION,
    versionPollIntervalMs: v.SCALETEST_DYNAMIC_PARAMETERS_VERSION_POLL_INTERVAL,
    initialP99Seconds: v.SCALETEST_DYNAMIC_PARAMETERS_INITIAL_P99 / 1000,
    changeP99Seconds: v.SCALETEST_DYNAMIC_PARAMETERS_CHANGE_P99 / 1000,
  }
}

/** Coder's split of the evaluations over template versions: halves, rounded up (100 → 50, 25, 13, 6, 3, 2, 1). */
export function partitionEvaluations(total: number): number[] {
  const parts: number[] = []
  for (let remaining = total; remaining > 0; ) {
    const next = Math.min(remaining, Math.ceil(remaining / 2))
    parts.push(next)
    remaining -= next
  }
  return parts
}
