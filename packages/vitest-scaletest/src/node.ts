// Main-process entry: reporter and global setup, imported from vitest.config.ts.
// The metrics API is here too so scripts and benchmarks can use it without the test runtime.
export * from './metrics/index.ts'
export * from './mocks/index.ts'
export * from './reporter/index.ts'
