import { defineProject } from 'vitest/config'

// The list of Vitest projects. Vitest 4+ no longer reads this file by itself:
// vitest.config.ts imports it into `test.projects`.
export default [
  defineProject({
    test: {
      name: 'vitest-scaletest',
      root: './packages/vitest-scaletest',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    },
  }),
  defineProject({
    test: {
      name: 'mocks',
      root: './packages/mocks',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 120_000,
    },
  }),
  defineProject({
    test: {
      name: 'suites',
      root: './suites',
      include: ['**/*.test.ts'],
      // Starts the mocks once per run (SCALETEST_MOCKS: container | process | inprocess | external)
      // and provides their endpoints as inject('scaletestMocks').
      globalSetup: ['../packages/vitest-scaletest/src/mocks/global-setup.ts'],
      // Ctrl-C or SIGTERM interrupts running scenarios so they clean up and report partial results.
      runner: '../packages/vitest-scaletest/src/runner.ts',
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  }),
]
