import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadPrebuildsConfig } from './config.ts'
import { prebuildsMainTf } from './template.ts'

describe('prebuilds config', () => {
  it("defaults to Coder's flag defaults", () => {
    expect(loadPrebuildsConfig({})).toEqual({
      numTemplates: 1,
      numPresets: 1,
      numPresetPrebuilds: 1,
      templateVersionJobTimeoutMs: 300_000,
      prebuildWorkspaceTimeoutMs: 600_000,
      skipCleanup: false,
      provisionerTags: {},
      versionPollIntervalMs: 2_000,
    })
  })

  it('reads counts, timeouts, cleanup and provisioner tags', () => {
    const config = loadPrebuildsConfig({
      CODER_SCALETEST_PREBUILDS_NUM_TEMPLATES: '100',
      CODER_SCALETEST_PREBUILDS_NUM_PRESETS: '2',
      CODER_SCALETEST_PREBUILDS_NUM_PRESET_PREBUILDS: '5',
      CODER_SCALETEST_PREBUILDS_WORKSPACE_TIMEOUT: '1m30s',
      CODER_SCALETEST_PREBUILDS_SKIP_CLEANUP: 'yes',
      CODER_SCALETEST_PREBUILDS_PROVISIONER_TAG: 'scope=organization, pool=scaletest',
    })
    expect(config).toMatchObject({
      numTemplates: 100,
      numPresets: 2,
      numPresetPrebuilds: 5,
      prebuildWorkspaceTimeoutMs: 90_000,
      skipCleanup: true,
      provisionerTags: { scope: 'organization', pool: 'scaletest' },
    })
  })

  it('reports every bad variable at once, as Coder rejects counts of 0', () => {
    const load = () =>
      loadPrebuildsConfig({
        CODER_SCALETEST_PREBUILDS_NUM_TEMPLATES: '0',
        CODER_SCALETEST_PREBUILDS_NUM_PRESETS: 'two',
        CODER_SCALETEST_PREBUILDS_TEMPLATE_VERSION_JOB_TIMEOUT: '0s',
        CODER_SCALETEST_PREBUILDS_PROVISIONER_TAG: 'novalue',
      })
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(
      /NUM_TEMPLATES="0": expected an integer >= 1[\s\S]*NUM_PRESETS="two"[\s\S]*JOB_TIMEOUT="0s"[\s\S]*PROVISIONER_TAG="novalue": expected key=value pairs/,
    )
  })

  it('renders N presets with M prebuilds each, and an empty version for scale-to-zero', () => {
    const tf = prebuildsMainTf(3, 7)
    expect(tf).toContain(
      `data "coder_workspace_preset" "presets" {\n  count = 3\n  name  = "preset-\${count.index + 1}"`,
    )
    expect(tf).toContain('instances = 7')
    expect(prebuildsMainTf(0, 0)).toContain('count = 0')
  })
})
