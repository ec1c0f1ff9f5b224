import { describe, expect, it } from 'vitest'

import { collectProvenance } from './provenance.ts'

describe('collectProvenance', () => {
  it('keeps the knobs as set, without secrets or URL credentials', () => {
    const p = collectProvenance({
      root: process.cwd(),
      scenarios: ['b.scale.test.ts', 'a.scale.test.ts', 'a.scale.test.ts'],
      env: {
        CODER_URL: 'https://coder.example.com',
        CODER_SESSION_TOKEN: 'secret-token',
        CODER_SCALETEST_NOTIFICATION_USER_COUNT: '50',
        SCALETEST_PUSHGATEWAY_URL: 'http://admin:hunter2@127.0.0.1:9091',
        SCALETEST_LLM_API_KEY: 'sk-123',
        HOME: '/root',
      },
    })
    expect(p.scenarios).toEqual(['a.scale.test.ts', 'b.scale.test.ts'])
    expect(p.knobs).toEqual({
      CODER_SCALETEST_NOTIFICATION_USER_COUNT: '50',
      SCALETEST_LLM_API_KEY: '[redacted]',
      SCALETEST_PUSHGATEWAY_URL: 'http://[redacted]@127.0.0.1:9091',
    })
    expect(p.target).toEqual({ coder_url: 'https://coder.example.com', kind: 'deployment' })
    expect(JSON.stringify(p)).not.toMatch(/secret-token|hunter2|sk-123/)
    expect(p.versions.node).toBe(process.version)
    expect(p.git.revision).toMatch(/^[0-9a-f]{40}$/)
  })
})
