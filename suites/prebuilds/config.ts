// The prebuilds scenario's knobs: the environment variables of Coder's `coder exp scaletest
// prebuilds` flags (cli/exp_scaletest_prebuilds.go), plus two of ours (marked below).

import { z } from 'zod'

import { knob, parseKnobs } from '@scaletest/vitest'

const schema = z.object({
  CODER_SCALETEST_PREBUILDS_NUM_TEMPLATES: knob.int(1, 1),
  CODER_SCALETEST_PREBUILDS_NUM_PRESETS: knob.int(1, 1),
  CODER_SCALETEST_PREBUILDS_NUM_PRESET_PREBUILDS: knob.int(1, 1),
  CODER_SCALETEST_PREBUILDS_TEMPLATE_VERSION_JOB_TIMEOUT: knob.duration('5m'),
  CODER_SCALETEST_PREBUILDS_WORKSPACE_TIMEOUT: knob.duration('10m'),
  CODER_SCALETEST_PREBUILDS_SKIP_CLEANUP: knob.bool(false),
  // Ours: Coder's runner config has ProvisionerTags, but its CLI sets none.
  CODER_SCALETEST_PREBUILDS_PROVISIONER_TAG: knob.keyValues(),
  // Ours: Coder polls template version imports every 2 s; a simulator imports in milliseconds.
  SCALETEST_PREBUILDS_VERSION_POLL_INTERVAL: knob.duration('2s'),
})

export interface PrebuildsConfig {
  numTemplates: number
  numPresets: number
  numPresetPrebuilds: number
  templateVersionJobTimeoutMs: number
  prebuildWorkspaceTimeoutMs: number
  skipCleanup: boolean
  provisionerTags: Record<string, string>
  versionPollIntervalMs: number
}

export function loadPrebuildsConfig(env: Record<string, string | undefined>): PrebuildsConfig {
  const v = parseKnobs(schema, env, 'prebuilds scale test')
  return {
    numTemplates: v.CODER_SCALETEST_PREBUILDS_NUM_TEMPLATES,
    numPresets: v.CODER_SCALETEST_PREBUILDS_NUM_PRESETS,
    numPresetPrebuilds: v.CODER_SCALETEST_PREBUILDS_NUM_PRESET_PREBUILDS,
    templateVersionJobTimeoutMs: v.CODER_SCALETEST_PREBUILDS_TEMPLATE_VERSION_JOB_TIMEOUT,
    prebuildWorkspaceTimeoutMs: v.CODER_SCALETEST_PREBUILDS_WORKSPACE_TIMEOUT,
    skipCleanup: v.CODER_SCALETEST_PREBUILDS_SKIP_CLEANUP,
    provisionerTags: v.CODER_SCALETEST_PREBUILDS_PROVISIONER_TAG,
    versionPollIntervalMs: v.SCALETEST_PREBUILDS_VERSION_POLL_INTERVAL,
  }
}
