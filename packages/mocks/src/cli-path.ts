import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Path of the `scaletest-mocks` CLI module, for `node <path> <command>`: the TypeScript source in
 * this repository, the built JavaScript in an install. */
export const mocksCliPath: string = fileURLToPath(
  new URL(`./cli${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
)
