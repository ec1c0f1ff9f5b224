// Test support: Coder's swagger extract, the coderd overrides, an ajv validator and body samples.
// Needs the ajv and ajv-formats dev dependencies.
export { type Edge, sampleOf } from './samples.ts'
export { type CoderExtract, ConformanceValidator, loadExtract, patchedDefinitions } from './validator.ts'
