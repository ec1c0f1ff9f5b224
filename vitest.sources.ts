import { defaultServerConditions } from 'vite'

// In this repository @scaletest/* resolve to their TypeScript sources through the
// `@scaletest/source` export condition (.npmrc gives it to Node as well); an install resolves them
// to the built JavaScript in dist/. Vitest runs test files in the `ssr` environment and global
// setups in its own `__vitest__` one, so both get the condition.
const resolveSources = { resolve: { conditions: ['@scaletest/source', ...defaultServerConditions] } }

export const sourceConditions = { environments: { ssr: resolveSources, __vitest__: resolveSources } }
