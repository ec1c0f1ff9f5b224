export * from './http-client.ts'
export * from './redact.ts'
export * from './retry.ts'
export * from './shared-pool.ts'
