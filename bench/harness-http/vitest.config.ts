import { defineConfig } from 'vitest/config'

import { sourceConditions } from '../../vitest.sources.ts'

// Runs only the closed-loop scenario of bench/harness-http.bench.ts (not part of `npm test`).
export default defineConfig({
  ...sourceConditions,
  test: {
    root: import.meta.dirname,
    include: ['closed-loop.scale.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
})
