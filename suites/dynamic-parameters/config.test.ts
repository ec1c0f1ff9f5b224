import { describe, expect, it } from 'vitest'

import { ConfigError } from '@scaletest/vitest'
import { loadDynamicParametersConfig, partitionEvaluations } from './config.ts'

describe('dynamic-parameters config', () => {
  it("defaults to Coder's flag defaults", () => {
    expect(loadDynamicParametersConfig({})).toEqual({
      templateName: 'scaletest-dynamic-parameters',
      concurrentEvaluations: 100,
      provisionerTags: {},
      organization: undefined,
      versionPollIntervalMs: 2_000,
      initialP99Seconds: 5,
      changeP99Seconds: 5,
    })
  })

  it('reads the template, the evaluations, the organization and the provisioner tags', () => {
    expect(
      loadDynamicParametersConfig({
        CODER_SCALETEST_DYNAMIC_PARAMETERS_TEMPLATE: 'my-template',
        CODER_SCALETEST_DYNAMIC_PARAMETERS_CONCURRENT_EVALUATIONS: '1000',
        CODER_SCALETEST_DYNAMIC_PARAMETERS_PROVISIONER_TAG: 'scaletest=true,gpu=false',
        CODER_ORGANIZATION: 'coder',
        SCALETEST_DYNAMIC_PARAMETERS_CHANGE_P99: '250ms',
      }),
    ).toMatchObject({
      templateName: 'my-template',
      concurrentEvaluations: 1000,
      provisionerTags: { scaletest: 'true', gpu: 'false' },
      organization: 'coder',
      changeP99Seconds: 0.25,
    })
  })

  it('reports every bad variable at once', () => {
    const load = () =>
      loadDynamicParametersConfig({
        CODER_SCALETEST_DYNAMIC_PARAMETERS_CONCURRENT_EVALUATIONS: '0',
        CODER_SCALETEST_DYNAMIC_PARAMETERS_PROVISIONER_TAG: '=x',
        SCALETEST_DYNAMIC_PARAMETERS_INITIAL_P99: 'soon',
      })
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(/CONCURRENT_EVALUATIONS="0"[\s\S]*PROVISIONER_TAG="=x"[\s\S]*INITIAL_P99="soon"/)
  })

  it('splits evaluations over versions as Coder does: halves, rounded up', () => {
    expect(partitionEvaluations(100)).toEqual([50, 25, 13, 6, 3, 2, 1])
    expect(partitionEvaluations(1000)).toEqual([500, 250, 125, 63, 31, 16, 8, 4, 2, 1])
    expect(partitionEvaluations(1)).toEqual([1])
    expect(partitionEvaluations(5).reduce((a, b) => a + b)).toBe(5)
  })
})
