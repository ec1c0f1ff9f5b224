export * from './barrier.ts'
export * from './latch.ts'
export * from './wait-buffer.ts'
