export * from './coderd/index.ts'
export * from './llm/index.ts'
export * from './smtp/index.ts'
