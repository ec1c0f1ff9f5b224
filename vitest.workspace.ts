import { defineProject } from 'vitest/config'

import { scaletest } from '@scaletest/vitest/node'
import { sourceConditions } from './vitest.sources.ts'

// The list of Vitest projects. Vitest 4+ no longer reads this file by itself:
// vitest.config.ts imports it into `test.projects`.

export default [
  defineProject({
    ...sourceConditions,
    test: {
      name: 'vitest-scaletest',
      root: './packages/vitest-scaletest',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    },
  }),
  defineProject({
    ...sourceConditions,
    test: {
      name: 'mocks',
      root: './packages/mocks',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 120_000,
    },
  }),
  defineProject({
    test: { name: 'scripts', root: './scripts', include: ['*.test.ts'] },
  }),
  defineProject({
    ...sourceConditions,
    // The mocks' globalSetup (SCALETEST_MOCKS: container | process | inprocess | external), the
    // scenario runner (Ctrl-C lets scenarios clean up and report) and the ScaletestReporter.
    plugins: [scaletest()],
    test: {
      name: 'suites',
      root: './suites',
      include: ['**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  }),
]
