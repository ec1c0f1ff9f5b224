import { describe, expect, it } from 'vitest'

describe('toolchain', () => {
  it('runs on the Node 24 binary installed from the npm registry', () => {
    expect(process.versions.node.split('.')[0]).toBe('24')
  })
})
