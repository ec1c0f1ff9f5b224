// Runs every bench/*.bench.ts (or those whose name contains an argument) one after another,
// each in its own Node process so one benchmark's heap and sockets never colour the next.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const here = import.meta.dirname
const filters = process.argv.slice(2)
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()

let failed = 0
for (const file of files) {
  console.log(`\n=== ${file} ===`)
  const { status } = spawnSync(process.execPath, [join(here, file)], { stdio: 'inherit' })
  if (status !== 0) {
    failed++
    console.error(`${file} exited with ${status}`)
  }
}
if (files.length === 0) console.error(`no benchmark matches ${filters.join(', ')}`)
process.exitCode = failed > 0 || files.length === 0 ? 1 : 0
