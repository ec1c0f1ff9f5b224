import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The file path of a module beside `from` (an `import.meta.url`), with from's own extension: `.ts`
 * when running from this repository's sources, `.js` from an install. For paths that Vitest or
 * Node load by themselves (runner, globalSetup, child scripts), which the TypeScript compiler does
 * not rewrite.
 */
export function siblingModule(from: string, name: string): string {
  return fileURLToPath(new URL(`./${name}${extname(fileURLToPath(from))}`, from))
}
