#!/usr/bin/env node
// The `scaletest-mocks` command. An install runs the built JavaScript; a checkout of the scaletest
// repository runs the TypeScript source (Node 24 strips its types outside node_modules).
import { existsSync } from 'node:fs'

const source = new URL('../src/cli.ts', import.meta.url)
const { main } = await import(
  existsSync(source) ? source.href : new URL('../dist/cli.js', import.meta.url).href
)
process.exitCode = await main(process.argv.slice(2))
