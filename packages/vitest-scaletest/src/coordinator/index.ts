export * from './coordinator.ts'
export * from './from-env.ts'
export * from './redis-coordinator.ts'
