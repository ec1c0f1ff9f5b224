// report.html: one self-contained page. uPlot's JS and CSS come from node_modules and the page's
// own script and style from the package's assets/, all inlined, so it opens offline with no requests.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
// src/reporter/report/ and dist/reporter/report/ both sit three levels below the package root.
const ASSETS = new URL('../../../assets/report/', import.meta.url)

interface Assets {
  uplotJs: string
  uplotCss: string
  pageJs: string
  pageCss: string
}

let assets: Promise<Assets> | undefined

function loadAssets(): Promise<Assets> {
  assets ??= Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    readFile(new URL('report.js', ASSETS), 'utf8'),
    readFile(new URL('report.css', ASSETS), 'utf8'),
  ]).then(([uplotJs, uplotCss, pageJs, pageCss]) => ({ uplotJs, uplotCss, pageJs, pageCss }))
  return assets
}

/** JSON text made safe inside <script>: `<` (so no `</script>` or `<!--`) and line separators escaped. */
export function escapeJsonForScript(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** Inline script or style text cannot close its own element. */
function inlineSafe(text: string, tag: 'script' | 'style'): string {
  return text.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`)
}

export interface RenderReportOptions {
  /** Served live: reload the page every this many seconds. */
  refreshSeconds?: number
}

/** The page for `resultsJson`, results.json's data as JSON text (parsed in the page as is). */
export async function renderReport(resultsJson: string, options: RenderReportOptions = {}): Promise<string> {
  const a = await loadAssets()
  const refresh =
    options.refreshSeconds === undefined
      ? ''
      : `\n<meta http-equiv="refresh" content="${options.refreshSeconds}">`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">${refresh}
<title>scaletest report</title>
<style>${inlineSafe(a.uplotCss, 'style')}</style>
<style>${inlineSafe(a.pageCss, 'style')}</style>
</head>
<body>
<main id="report"></main>
<script type="application/json" id="scaletest-results">${escapeJsonForScript(resultsJson)}</script>
<script>${inlineSafe(a.uplotJs, 'script')}</script>
<script>${inlineSafe(a.pageJs, 'script')}</script>
</body>
</html>
`
}
