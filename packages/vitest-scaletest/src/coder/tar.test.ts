import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { createTar } from './tar.ts'

const dir = mkdtempSync(join(tmpdir(), 'scaletest-tar-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const longName = `${'deep/'.repeat(30)}main.tf`

describe('createTar', () => {
  it('writes an archive GNU tar lists and extracts byte for byte', () => {
    const binary = Uint8Array.from({ length: 700 }, (_, i) => i % 251)
    const archive = createTar([
      { name: 'main.tf', content: 'resource "null_resource" "a" {}\n' },
      { name: 'bin/blob', content: binary, mode: 0o755 },
      { name: longName, content: 'long' },
    ])
    expect(archive.length % 512).toBe(0)
    const listing = execFileSync('tar', ['-tvf', '-'], { input: archive }).toString()
    expect(listing).toMatch(/-rw-r--r-- .* 32 .* main\.tf/)
    expect(listing).toMatch(/-rwxr-xr-x .* 700 .* bin\/blob/)
    execFileSync('tar', ['-xf', '-', '-C', dir], { input: archive })
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe('resource "null_resource" "a" {}\n')
    expect(new Uint8Array(readFileSync(join(dir, 'bin/blob')))).toEqual(binary)
    expect(readFileSync(join(dir, longName), 'utf8')).toBe('long')
  })

  it('gives the same bytes for the same files and an empty archive of two zero blocks', () => {
    expect(createTar([{ name: 'a', content: 'x' }])).toEqual(createTar([{ name: 'a', content: 'x' }]))
    expect(createTar([])).toEqual(new Uint8Array(1024))
  })

  it('rejects unsafe or unrepresentable names', () => {
    expect(() => createTar([{ name: '../etc/passwd', content: '' }])).toThrow(/relative path/)
    expect(() => createTar([{ name: '/abs', content: '' }])).toThrow(/relative path/)
    expect(() => createTar([{ name: 'x'.repeat(120), content: '' }])).toThrow(/too long/)
  })
})
