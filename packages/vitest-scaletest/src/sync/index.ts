export * from './barrier.ts'
export * from './wait-buffer.ts'
