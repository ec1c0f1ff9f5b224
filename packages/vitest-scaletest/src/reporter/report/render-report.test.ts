import { describe, expect, it } from 'vitest'

import { escapeJsonForScript, renderReport } from './render-report.ts'

describe('renderReport', () => {
  it('embeds the data once, parseable back to the same value, even with </script> in a log', async () => {
    const data = {
      harness: { runs: { a: { logs: 'x</script><script>alert(1)</script>\u2028<!-- y' } } },
      n: [1, 2.5, null],
    }
    const html = await renderReport(JSON.stringify(data))
    const blocks = html.match(/<script type="application\/json" id="scaletest-results">/g)
    expect(blocks).toHaveLength(1)
    const embedded = /<script type="application\/json" id="scaletest-results">(.*?)<\/script>/s.exec(
      html,
    )![1]!
    expect(embedded).not.toMatch(/<\/script|<!--/i)
    expect(JSON.parse(embedded)).toEqual(data)
  })

  it('inlines uPlot and the page script: nothing is loaded from elsewhere', async () => {
    const html = await renderReport('{}')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(http/i)
    expect(html).toContain("default-src 'none'")
    expect(html).toMatch(/uPlot/)
    expect(
      (await renderReport('{}', { refreshSeconds: 5 })).includes('http-equiv="refresh" content="5"'),
    ).toBe(true)
  })

  it('escapes only what could end the script element', () => {
    expect(escapeJsonForScript('{"a":"</script>"}')).toBe('{"a":"\\u003c/script>"}')
  })
})
