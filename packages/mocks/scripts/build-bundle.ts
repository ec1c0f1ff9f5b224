// Bundles the `scaletest-mocks` CLI and the image's health probe into packages/mocks/bundle/ with
// esbuild: one ESM file each, every dependency inlined, so the image needs no npm install and no
// network. Run with `npm run build:bundle` (Node 24: it runs this TypeScript directly).
import { mkdir, rm, stat } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

import { build } from 'esbuild'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const outdir = join(packageDir, 'bundle')

export async function buildBundle(): Promise<string[]> {
  await rm(outdir, { recursive: true, force: true })
  await mkdir(outdir, { recursive: true })
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: {
      'scaletest-mocks': 'src/cli.ts',
      healthcheck: 'src/containers/healthcheck.ts',
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // CommonJS dependencies (smtp-server, nodemailer) call require() on Node builtins, which an
    // ESM bundle only has through createRequire.
    banner: {
      js: "import { createRequire as __scaletestCreateRequire } from 'node:module'; const require = __scaletestCreateRequire(import.meta.url);",
    },
    // Optional native helpers of dependencies that the mocks never load.
    external: ['cpu-features', 'ssh2', 'fsevents'],
    legalComments: 'linked',
    minifySyntax: true,
    logLevel: 'warning',
    metafile: true,
  })
  const files = Object.keys(result.metafile.outputs).map((file) => join(packageDir, file))
  return files.filter((file) => file.endsWith('.mjs'))
}

if (import.meta.main) {
  const started = performance.now()
  const files = await buildBundle().catch(() => {
    // esbuild has printed the errors with their locations already.
    console.error('build-bundle: failed; see the errors above')
    process.exit(1)
  })
  for (const file of files) {
    const { size } = await stat(file)
    console.log(`${relative(process.cwd(), file)}  ${(size / 1024).toFixed(0)} KiB`)
  }
  console.log(`bundled in ${Math.round(performance.now() - started)} ms`)
}
